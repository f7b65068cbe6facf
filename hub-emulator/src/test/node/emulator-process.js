'use strict';
// Starts and stops a hub-emulator process of the test's own (java -jar $HUB_EMULATOR_JAR), for tests
// that must restart the hub. It reads the start banner for the connection string and the CA, and keeps
// draining the output afterwards (the emulator logs every request; a full pipe would stall it).

const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const START_MS = 30000;
const STOP_MS = 15000;
// The driver may name its JDK through JAVA_HOME; otherwise the java on the PATH.
const JAVA = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

function startEmulator({ jar, address, dataDir }) {
  const child = spawn(JAVA, ['-jar', jar, '--address', address, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const recent = []; // the last lines, for a failure message
  const remember = (line) => { recent.push(line); if (recent.length > 40) recent.shift(); };
  readline.createInterface({ input: child.stderr }).on('line', remember);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));

  const ready = new Promise((resolve, reject) => {
    const found = {};
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      remember(line);
      const [, key, value] = /^(Service connection string|CA certificate): (.*)$/.exec(line) || [];
      if (key) found[key] = value;
      if (line.startsWith('hub-emulator ready')) {
        resolve({ serviceConnectionString: found['Service connection string'], caFile: found['CA certificate'] });
      }
    });
    exited.then((how) => reject(new Error(`hub-emulator exited (${how}) before it was ready:\n${recent.join('\n')}`)));
    child.once('error', (err) => reject(new Error(`could not run ${JAVA} -jar ${jar}: ${err.message}`)));
  });

  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hub-emulator not ready within ${START_MS} ms:\n${recent.join('\n')}`)), START_MS);
  });

  // SIGTERM is a clean shutdown (exit 143); SIGKILL only if that hangs, so the test never does.
  async function stop() {
    if (child.pid === undefined) return 'never started'; // spawn failed: no 'exit' will come
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGTERM');
    let killTimer;
    const killed = new Promise((resolve) => {
      killTimer = setTimeout(() => { child.kill('SIGKILL'); resolve('SIGKILL after SIGTERM hung'); }, STOP_MS);
    });
    const how = await Promise.race([exited, killed]);
    clearTimeout(killTimer);
    return how;
  }

  return Promise.race([ready, timeout])
    .then((banner) => ({ ...banner, stop, recent }))
    .catch(async (err) => { await stop(); throw err; })
    .finally(() => clearTimeout(timer));
}

module.exports = { startEmulator };
