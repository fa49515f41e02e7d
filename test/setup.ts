// cdktf's jest matchers (toHaveResourceWithProperties, toHaveProviderWithProperties, toBeValidTerraform, …).
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';

Testing.setupJest();
