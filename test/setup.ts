// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, …).
import 'cdktf/lib/testing/adapters/jest';
