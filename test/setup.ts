// cdktf's jest matchers (toHaveResourceWithProperties, toHaveProviderWithProperties, toBeValidTerraform, …).
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { installLiveMeshGuard } from './support/live-mesh-guard';

Testing.setupJest();

// Toolkit tests never read the live mesh (contracts/products, locks, migrations, retired.json): see the guard.
installLiveMeshGuard(expect.getState().testPath);
