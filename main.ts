/**
 * The app entry: discovers every data product under `contracts/products/`
 * and synthesizes every stack. `npm run synth` runs it; so does
 * `cdktf synth|deploy` (see cdktf.json).
 */
import { synthesizeMesh } from './stacks/app';

process.exitCode = synthesizeMesh({ root: __dirname });
