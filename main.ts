/**
 * The app entry: discovers every data product under `contracts/products/`
 * and synthesizes every stack. `npm run synth` runs it; so does
 * `cdktf synth|deploy|diff` (see cdktf.json).
 *
 * `MESH_DOMAINS=payments[,orders…]` limits the stacks built and written to
 * those domains' (every contract is still checked): the fast loop of a domain
 * team at mesh scale. See docs/deploying-on-aws.md.
 */
import { meshDomainsFrom, synthesizeMesh } from './stacks/app';

process.exitCode = synthesizeMesh({ root: __dirname, domains: meshDomainsFrom(process.env.MESH_DOMAINS) });
