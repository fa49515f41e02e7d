/**
 * The local mesh's commands (see docs/local-mesh.md):
 *
 *   npm run mesh:fetch   fetch the Kafka broker's jars with Maven (mesh:up does it when needed)
 *   npm run mesh:up      start Kafka and PostgreSQL, write .mesh/local/connection.json
 *   npm run mesh:down    stop both (`-- --reset` also deletes their data)
 *   npm run mesh:plan    what mesh:apply would change
 *   npm run mesh:apply   apply the synthesized `*-local` stacks and the sink migrations
 *
 * Errors are one line (or a short list) naming what to run; never a stack trace.
 */
import { join } from 'node:path';
import { LocalMeshError } from '../local-mesh/errors';
import { ensureKafka } from '../local-mesh/fetch';
import { findJava } from '../local-mesh/java';
import { localEnvironmentOf, meshDown, meshUp } from '../local-mesh/local-mesh';

async function main(command: string | undefined, args: string[]): Promise<number> {
  const root = process.cwd();
  // Imported here: the environments read MESH_KAFKA_PORT / MESH_POSTGRES_PORT, whose errors are ours to print.
  const environment = () => localEnvironmentOf((require('../stacks/environments') as typeof import('../stacks/environments')).ENVIRONMENTS);
  switch (command) {
    case 'fetch':
      await ensureKafka(root, findJava());
      console.log('contract-mesh: the Kafka broker is fetched.');
      return 0;
    case 'up':
      await meshUp({ root, environment: environment() });
      return 0;
    case 'down':
      await meshDown({ root, reset: args.includes('--reset') });
      return 0;
    case 'plan':
    case 'apply': {
      const { meshApply } = require('../local-mesh/apply') as typeof import('../local-mesh/apply');
      const r = await meshApply({ root, environment: environment(), outdir: process.env.CDKTF_OUTDIR ?? join(root, 'cdktf.out'), dryRun: command === 'plan' });
      return command === 'apply' && r.refused.length ? 1 : 0;
    }
    default:
      console.error(`usage: tsx scripts/mesh.ts fetch|up|down|plan|apply (got ${command ?? 'nothing'})`);
      return 2;
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof LocalMeshError || (err instanceof Error && /MESH_(KAFKA|POSTGRES)_PORT/.test(err.message))) {
      console.error(`contract-mesh: ${err.message}`);
    } else {
      console.error(`contract-mesh: ${process.argv[2]} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    process.exitCode = 1;
  },
);
