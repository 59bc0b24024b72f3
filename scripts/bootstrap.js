#!/usr/bin/env node
/*
 * Two-command set-up for a machine that has only Node 20 and npm.
 *
 *   node scripts/bootstrap.js setup   install toolchain + dependencies when missing
 *   node scripts/bootstrap.js start   set-up, then sandbox + backend + app
 *   node scripts/bootstrap.js test    set-up, then type-check and every test suite
 *   node scripts/bootstrap.js check   set-up, then repo fix --check, lint and the API reports
 *   node scripts/bootstrap.js e2e-install   set-up, then the install test in a fresh app
 *
 * Current Backstage needs Node 22 or newer. When the Node running this script
 * is older, Node 22 is installed from the npm registry (package
 * node-<platform>-<arch>) into .toolchain/ and put first on PATH for every
 * child process. Native addons are built against its headers.
 *
 * Plain Node, no dependencies: it must run before anything is installed.
 */
'use strict';

const { spawnSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const toolchainDir = path.join(root, '.toolchain');
const MIN_NODE_MAJOR = 22;
const NODE_PACKAGE_RANGE = '22';

function log(message) {
  process.stdout.write(`[gort] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[gort] ${message}\n`);
  process.exit(1);
}

function majorOf(version) {
  return Number(String(version).replace(/^v/, '').split('.')[0]);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: options.env ?? process.env,
  });
  if (result.error) {
    fail(`could not run ${command}: ${result.error.message}`);
  }
  return result.status ?? 1;
}

function mustRun(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) {
    fail(`${command} ${args.join(' ')} exited with ${status}`);
  }
}

/** Returns { nodeBin, nodeDir } for a Node >= 22, installing one if needed. */
function ensureNode() {
  if (majorOf(process.version) >= MIN_NODE_MAJOR) {
    // Native addons must be built against this Node's headers, not whatever an
    // npm config's `nodedir` names (a machine may point it at another Node's).
    const prefix = path.dirname(path.dirname(process.execPath));
    const hasHeaders = fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'));
    return { nodeBin: path.dirname(process.execPath), nodeDir: hasHeaders ? prefix : undefined };
  }
  const pkgDir = path.join(toolchainDir, 'node');
  const nodeExe = path.join(pkgDir, 'bin', 'node');
  if (fs.existsSync(nodeExe)) {
    const probe = spawnSync(nodeExe, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0 && majorOf(probe.stdout.trim()) >= MIN_NODE_MAJOR) {
      return { nodeBin: path.dirname(nodeExe), nodeDir: pkgDir };
    }
  }
  const pkg = `node-${process.platform}-${process.arch}@${NODE_PACKAGE_RANGE}`;
  log(`Node ${process.version} is too old for Backstage; installing ${pkg} into .toolchain/`);
  fs.rmSync(pkgDir, { recursive: true, force: true });
  fs.mkdirSync(toolchainDir, { recursive: true });
  const packed = spawnSync(
    'npm',
    ['pack', pkg, '--pack-destination', toolchainDir, '--json'],
    { cwd: toolchainDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (packed.status !== 0) {
    fail(`npm pack ${pkg} failed; install Node ${MIN_NODE_MAJOR}+ yourself and retry`);
  }
  const tarball = path.join(toolchainDir, JSON.parse(packed.stdout)[0].filename);
  fs.mkdirSync(pkgDir, { recursive: true });
  mustRun('tar', ['xzf', tarball, '-C', pkgDir, '--strip-components=1']);
  fs.rmSync(tarball, { force: true });
  if (!fs.existsSync(nodeExe)) {
    fail(`${pkg} did not contain bin/node`);
  }
  return { nodeBin: path.dirname(nodeExe), nodeDir: pkgDir };
}

function toolchainEnv({ nodeBin, nodeDir }) {
  const env = { ...process.env };
  env.PATH = [nodeBin, path.join(root, 'node_modules', '.bin'), env.PATH]
    .filter(Boolean)
    .join(path.delimiter);
  if (nodeDir) {
    // node-gyp cannot download headers here; build native addons against
    // the headers shipped in the toolchain package.
    env.npm_config_nodedir = nodeDir;
  }
  return env;
}

function manifestFiles() {
  const files = ['package.json', 'package-lock.json', '.npmrc'];
  for (const group of ['packages', 'plugins']) {
    const dir = path.join(root, group);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      files.push(path.join(group, name, 'package.json'));
    }
  }
  return files.filter(f => fs.existsSync(path.join(root, f)));
}

function installStamp(env) {
  const hash = crypto.createHash('sha256');
  const nodeVersion = spawnSync('node', ['--version'], { env, encoding: 'utf8' }).stdout;
  hash.update(`node ${nodeVersion}\n`);
  for (const file of manifestFiles()) {
    if (file === 'package-lock.json') continue; // rewritten by npm install itself
    hash.update(`${file}\n`);
    hash.update(fs.readFileSync(path.join(root, file)));
  }
  return hash.digest('hex');
}

function ensureDependencies(env) {
  const stampFile = path.join(root, 'node_modules', '.gort-install-stamp');
  const wanted = installStamp(env);
  const current = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
  if (current === wanted) {
    return;
  }
  log('installing dependencies (first run takes several minutes)');
  const started = Date.now();
  // `npm install`, not `npm ci`: it installs the locked versions too, and
  // tolerates optional platform binaries that the registry reachable here
  // lacks (npm ci refuses a lock file without them).
  mustRun('npm', ['install', '--no-audit', '--no-fund'], { env });
  fs.writeFileSync(stampFile, wanted);
  log(`dependencies installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

function setup() {
  const toolchain = ensureNode();
  const env = toolchainEnv(toolchain);
  ensureDependencies(env);
  return env;
}

function runSteps(env, steps) {
  for (const [label, command, args] of steps) {
    log(label);
    const started = Date.now();
    const status = run(command, args, { env });
    if (status !== 0) {
      throw new Error(`${label} failed (exit ${status})`);
    }
    log(`${label}: ok in ${Math.round((Date.now() - started) / 1000)} s`);
  }
}

/** Adds up jest's JSON reports into one plain closing line, and says what was skipped. */
function summarise(reportFiles) {
  const total = { passed: 0, failed: 0, skipped: 0, skippedSuites: new Set() };
  for (const file of reportFiles) {
    if (!fs.existsSync(file)) continue;
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    total.passed += report.numPassedTests;
    total.failed += report.numFailedTests;
    total.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    for (const suite of report.testResults ?? []) {
      for (const result of suite.assertionResults ?? []) {
        if (result.status === 'pending' && result.ancestorTitles?.length) {
          total.skippedSuites.add(result.ancestorTitles[0]);
        }
      }
    }
  }
  return total;
}

function printSummary(name, total) {
  for (const suite of total.skippedSuites) {
    process.stdout.write(`skipped: ${suite}\n`);
  }
  process.stdout.write(`\n${name}: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
}

const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/** Under CI (GORT_REQUIRE_POSTGRES=1) the stores must also be tested on PostgreSQL. */
function requirePostgresVariable(env) {
  if (env.GORT_REQUIRE_POSTGRES === '1' && !env[PG_ENV]) {
    fail(`GORT_REQUIRE_POSTGRES=1 but ${PG_ENV} is not set: the store tests would run on SQLite only`);
  }
}

function test(env) {
  requirePostgresVariable(env);
  const testEnv = { ...env, CI: 'true' };
  const reportDir = path.join(root, 'node_modules', '.cache', 'gort-test-reports');
  fs.rmSync(reportDir, { recursive: true, force: true });
  fs.mkdirSync(reportDir, { recursive: true });
  const unitReport = path.join(reportDir, 'unit.json');
  let failure;
  try {
    runSteps(testEnv, [
      ['type-check', 'tsc', []],
      [
        'unit and plugin tests',
        'backstage-cli',
        ['repo', 'test', '--ci', '--json', `--outputFile=${unitReport}`],
      ],
    ]);
  } catch (error) {
    failure = error;
  }
  const total = summarise([unitReport]);
  printSummary('tests', total);
  if (failure || total.failed > 0) {
    fail(failure ? failure.message : 'some tests failed');
  }
}

const sandboxBin = path.join(root, 'packages', 'sandbox', 'bin', 'gort-sandbox');

/** Runs children together; when one ends, or on Ctrl-C, all are stopped. */
function runTogether(env, commands) {
  const children = commands.map(([command, args]) =>
    spawn(command, args, { cwd: root, stdio: 'inherit', env }),
  );
  let exiting = false;
  const stopAll = signal => {
    for (const child of children) {
      if (child.exitCode === null) child.kill(signal);
    }
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  for (const child of children) {
    child.on('exit', code => {
      if (exiting) return;
      exiting = true;
      stopAll('SIGTERM');
      setTimeout(() => process.exit(code ?? 0), 2000).unref();
    });
  }
}

/** Runs a jest suite of the e2e package and prints its plain summary line. */
function e2eSuite(env, { label, script, report, before = [] }) {
  const testEnv = { ...env, CI: 'true' };
  const reportFile = path.join(root, 'node_modules', '.cache', 'gort-test-reports', `${report}.json`);
  fs.mkdirSync(path.dirname(reportFile), { recursive: true });
  fs.rmSync(reportFile, { force: true });
  let failure;
  try {
    runSteps(testEnv, [
      ...before,
      [label, 'npm', ['run', script, '--workspace', '@gort-backstage/e2e-tests', '--', '--json', `--outputFile=${reportFile}`]],
    ]);
  } catch (error) {
    failure = error;
  }
  const total = summarise([reportFile]);
  printSummary(report, total);
  if (failure || total.failed > 0 || total.passed === 0) {
    fail(failure ? failure.message : `${report} tests failed`);
  }
}

function e2e(env) {
  e2eSuite(env, { label: 'end-to-end tests (real backend + sandbox)', script: 'e2e', report: 'e2e' });
}

function e2eBrowser(env) {
  e2eSuite(env, {
    label: 'browser tests (Chromium + built app + backend + sandbox)',
    script: 'e2e:browser',
    report: 'e2e-browser',
    before: [['build the app', 'npm', ['run', 'build', '--workspace', 'app']]],
  });
}

/** Package conventions, lint and API reports: what a reviewer of a public package checks. */
function check(env) {
  try {
    runSteps(env, [
      ['backstage-cli repo fix --check --publish', 'backstage-cli', ['repo', 'fix', '--check', '--publish']],
      ['backstage-cli repo lint', 'backstage-cli', ['repo', 'lint']],
      ['API reports are current (npm run build:api-reports updates them)', 'npm', ['run', 'api-reports:check']],
    ]);
  } catch (error) {
    fail(error.message);
  }
}

function e2eInstall(env) {
  const status = run('npm', ['run', 'install-test', '--workspace', '@gort-backstage/install-test'], { env });
  if (status !== 0) fail('the install test failed');
}

function start(env) {
  const commands = [];
  if (process.env.GORT_SANDBOX !== '0') {
    log('starting the demo sandbox (set GORT_SANDBOX=0 to use real clusters and GitHub)');
    commands.push(['node', [sandboxBin, 'start']]);
  }
  commands.push(['backstage-cli', ['repo', 'start', ...process.argv.slice(3)]]);
  runTogether(env, commands);
}

function sandbox(env) {
  runTogether(env, [['node', [sandboxBin, 'start']]]);
}

function demoPush(env) {
  const status = run('node', [sandboxBin, 'push', ...process.argv.slice(3)], { env });
  process.exit(status);
}

const command = process.argv[2];
const commands = {
  setup: () => setup(),
  test: () => test(setup()),
  start: () => start(setup()),
  sandbox: () => sandbox(setup()),
  e2e: () => e2e(setup()),
  'e2e-browser': () => e2eBrowser(setup()),
  'e2e-install': () => e2eInstall(setup()),
  check: () => check(setup()),
  bench: () => process.exit(run('npm', ['run', 'bench', '--workspace', '@gort-backstage/e2e-tests'], { env: setup() })),
  'demo-push': () => demoPush(setup()),
};
if (!commands[command]) {
  fail(`usage: node scripts/bootstrap.js <${Object.keys(commands).join('|')}>`);
}
commands[command]();
