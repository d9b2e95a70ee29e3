// Builds AWS calls with the AWS SDK for JavaScript v3 and prints, as JSON, the HTTP requests the SDK
// would send, without sending them: a request handler records each request and answers with an error
// that stops the call (one attempt, no retries). Nothing leaves the machine.
//
// stdin:  [{ "service": "sns" | "kms" | "ssm", "operation": "Publish", "input": { ... }, "binary": ["Message"] }]
//         (members named in "binary" are base64 in the input and passed to the SDK as bytes)
// stdout: [{ "method", "path", "query", "headers": { lower-case name: value }, "body" }]
import { SNSClient, PublishCommand, PublishBatchCommand } from '@aws-sdk/client-sns';
import { KMSClient, SignCommand, GetPublicKeyCommand, GenerateMacCommand } from '@aws-sdk/client-kms';
import { SSMClient, GetParameterCommand } from '@aws-sdk/client-ssm';

const commands = {
  sns: { Publish: PublishCommand, PublishBatch: PublishBatchCommand },
  kms: { Sign: SignCommand, GetPublicKey: GetPublicKeyCommand, GenerateMac: GenerateMacCommand },
  ssm: { GetParameter: GetParameterCommand },
};
const clients = { sns: SNSClient, kms: KMSClient, ssm: SSMClient };

class Recorded extends Error {}

function recorder(sink) {
  return {
    async handle(request) {
      sink.push({
        method: request.method,
        path: request.path,
        query: request.query ?? {},
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
        body: request.body instanceof Uint8Array ? Buffer.from(request.body).toString('utf8') : String(request.body ?? ''),
      });
      throw new Recorded('recorded, not sent');
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() { return {}; },
  };
}

const calls = JSON.parse(await new Promise((resolve, reject) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', chunk => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
  process.stdin.on('error', reject);
}));

const recorded = [];
for (const call of calls) {
  const Client = clients[call.service];
  const Command = commands[call.service]?.[call.operation];
  if (!Client || !Command) {
    throw new Error(`unknown call ${call.service}.${call.operation}`);
  }

  const input = { ...call.input };
  for (const member of call.binary ?? []) {
    input[member] = Uint8Array.from(Buffer.from(input[member], 'base64'));
  }

  const sink = [];
  const client = new Client({
    region: call.region ?? 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    requestHandler: recorder(sink),
    maxAttempts: 1,
  });
  try {
    await client.send(new Command(input));
    throw new Error(`${call.service}.${call.operation} completed without a request being recorded`);
  } catch (error) {
    if (!(error instanceof Recorded)) {
      throw error;
    }
  } finally {
    client.destroy();
  }

  if (sink.length !== 1) {
    throw new Error(`${call.service}.${call.operation} made ${sink.length} requests, expected 1`);
  }
  recorded.push(sink[0]);
}

process.stdout.write(JSON.stringify(recorded));
