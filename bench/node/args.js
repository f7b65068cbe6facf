'use strict';
// The peers take the Java tools' options that the bench passes: -c, --device-id, --module-id, --desired.
module.exports = function args(argv = process.argv.slice(2)) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) options[argv[i].replace(/^-+/, '')] = argv[i + 1];
  return options;
};
