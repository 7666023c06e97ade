import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestComponent, describeWith } from '../../../tools/testing/describe-with.js';

/**
 * A one-node Slurm cluster for the sweep tests: munged, slurmctld and slurmd from Debian's packages (munge,
 * slurmctld, slurmd, slurm-client), started as root on loopback ports with a config in a temporary folder, and
 * stopped by process id. CI installs them (tools/install-slurm.sh) and sets MIXENT_REQUIRE_SLURM=1; elsewhere the
 * tests check the error that says how to get them.
 */

const DAEMONS = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'] as const;

/** The full path of a command, from PATH or the sbin folders where Debian puts daemons. */
function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Why a test cluster cannot start here, or undefined when it can. */
export function slurmClusterUnavailable(): string | undefined {
  const missing = DAEMONS.filter((command) => !which(command));
  if (missing.length > 0) {
    return `a test Slurm cluster needs ${missing.join(', ')} (apt install slurmctld slurmd slurm-client munge; tools/install-slurm.sh)`;
  }
  if (process.getuid?.() !== 0)
    return 'a test Slurm cluster runs its daemons as root (apt install slurmctld slurmd slurm-client munge, then run as root)';
  return undefined;
}

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A running test cluster: the environment its clients need, and how to stop it. */
export interface SlurmCluster {
  /** SLURM_CONF, for sbatch, squeue, scontrol and mixent. */
  env: { SLURM_CONF: string };
  /** The folder of its config, state and logs. */
  dir: string;
  /** Runs a client command against it and gives its stdout; throws with its stderr when it fails. */
  client(command: string, args: readonly string[]): string;
  /** Stops every daemon it started, by process id. */
  stop(): Promise<void>;
}

/** Starts munged, slurmctld and slurmd, and waits until the node takes jobs. */
export async function startSlurmCluster(): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'mixent-slurm-'));
  for (const sub of ['state', 'spool', 'log']) mkdirSync(join(dir, sub));
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const node = hostname();
  const conf = join(dir, 'slurm.conf');
  const socket = join(dir, 'munge.sock');
  writeFileSync(
    conf,
    [
      'ClusterName=mixent-test',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'JobRequeue=1',
      'MinJobAge=600',
      'KillWait=5',
      'InactiveLimit=0',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${availableParallelism()} State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: ChildProcess[] = [];
  const start = (command: string, args: string[]) => {
    const child = spawn(which(command) as string, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.resume();
    daemons.push(child);
  };
  const stop = async () => {
    // Jobs first, so that no task outlives the daemons that track it.
    if (daemons.length === 3) spawnSync(which('scancel') as string, ['--user=root'], { env });
    for (const child of daemons.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const client = (command: string, args: readonly string[]) => {
    const result = spawnSync(which(command) as string, [...args], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    return result.stdout;
  };
  try {
    const key = join(dir, 'munge.key');
    const made = spawnSync(which('mungekey') as string, ['--create', `--keyfile=${key}`], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`mungekey failed: ${made.stderr}`);
    start('munged', [
      '--foreground',
      '--force',
      `--key-file=${key}`,
      `--socket=${socket}`,
      `--pid-file=${join(dir, 'munged.pid')}`,
      `--seed-file=${join(dir, 'munged.seed')}`,
      `--log-file=${join(dir, 'log', 'munged.log')}`,
    ]);
    await waitFor(() => spawnSync('test', ['-S', socket]).status === 0, 'munged to create its socket');
    start('slurmctld', ['-D', '-f', conf]);
    await waitFor(() => spawnSync(which('scontrol') as string, ['ping'], { env }).status === 0, 'slurmctld to answer');
    start('slurmd', ['-D', '-f', conf]);
    await waitFor(
      () => /idle/.test(spawnSync(which('sinfo') as string, ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout),
      'the node to be idle',
    );
  } catch (error) {
    await stop();
    throw new Error(`the test Slurm cluster did not start (its logs: ${join(dir, 'log')}): ${(error as Error).message}`);
  }
  return { env: { SLURM_CONF: conf }, dir, client, stop };
}

/** Polls `ready` every 200 ms for up to `seconds`, else throws naming what it waited for. */
export async function waitFor(ready: () => boolean | Promise<boolean>, what: string, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting ${seconds} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A one-node Slurm cluster as a component that tests need: CI requires it with MIXENT_REQUIRE_SLURM=1. */
export const SLURM: TestComponent = {
  name: 'Slurm',
  requiredBy: 'MIXENT_REQUIRE_SLURM',
  unavailable: slurmClusterUnavailable,
  howToGet: /apt install slurmctld slurmd slurm-client munge/,
};

/** A describe block of tests on a real Slurm cluster (see {@link describeWith}). */
export function describeWithSlurm(title: string, body: () => void): void {
  describeWith(SLURM, title, body);
}
