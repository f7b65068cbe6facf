'use strict';
// Starts and stops a hub-emulator process of the test's own (java -jar $HUB_EMULATOR_JAR), for tests
// that must restart the hub. It reads the start banner for the connection strings and the CA, and keeps
// draining the output afterwards (the emulator logs every request; a full pipe would stall it).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { onEnd } = require('./hub');

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
      const [, key, value] = /^(Service connection string|CA certificate|Event Hub-compatible endpoint): (.*)$/.exec(line) || [];
      if (key) found[key] = value;
      if (line.startsWith('hub-emulator ready')) {
        resolve({
          serviceConnectionString: found['Service connection string'],
          caFile: found['CA certificate'],
          eventHubConnectionString: found['Event Hub-compatible endpoint'],
        });
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

// The skip option of a test that starts an emulator of its own: false, or why it cannot.
const needsJar = () => (process.env.HUB_EMULATOR_JAR ? false : 'HUB_EMULATOR_JAR is not set: this test starts and restarts an emulator of its own');

// For the test t, an emulator of its own on address with a new data directory, both gone when t ends: its
// banner in .emulator; restart() stops it and answers how it ended (143 for a clean SIGTERM shutdown), then
// starts it again on the same data directory and address.
async function emulatorOfTest(t, address) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-suite-hub-'));
  onEnd(t, () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const start = () => startEmulator({ jar: process.env.HUB_EMULATOR_JAR, address, dataDir });
  const own = { emulator: await start() };
  onEnd(t, () => own.emulator.stop());
  own.restart = async () => {
    const how = await own.emulator.stop();
    own.emulator = await start();
    return how;
  };
  return own;
}

module.exports = { startEmulator, needsJar, emulatorOfTest };
