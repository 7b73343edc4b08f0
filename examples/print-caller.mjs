// A small program that knows nothing of rolecall: it asks STS who it is with the AWS SDK's default
// credential chain, as any tool would. `rolecall exec` gives it its identity through AWS_PROFILE.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const client = new STSClient({});
const { Account, Arn } = await client.send(new GetCallerIdentityCommand({}));
process.stdout.write(`The program runs as ${Arn} in account ${Account} (profile ${process.env.AWS_PROFILE}).\n`);
client.destroy();
