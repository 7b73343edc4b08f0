// What the benchmarks share: the URL a `rolecall emulator` child announces, and an access token got
// from it through the SSO OIDC API with plain fetch (the device-code flow, approved through the
// emulator's control API as a person on the verification page would). Loopback only.

/** The URL from the emulator's first line of stdout. */
export const listeningUrl = (emulator) =>
  new Promise((resolve, reject) => {
    let text = '';
    emulator.stdout.on('data', (chunk) => {
      text += chunk;
      const match = /^rolecall emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(text);
      if (match) resolve(match[1]);
    });
    emulator.on('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening`)));
  });

const post = async (url, path, body) => {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
};

/** An access token for the emulator at `url`. */
export async function signIn(url) {
  const { clientId, clientSecret } = await post(url, '/client/register', {
    clientName: 'rolecall-bench',
    clientType: 'public',
    scopes: ['sso:account:access'],
  });
  const device = await post(url, '/device_authorization', {
    clientId,
    clientSecret,
    startUrl: 'https://d-9067000000.awsapps.com/start',
  });
  await post(url, '/_emulator/approve', { user_code: device.userCode });
  const token = await post(url, '/token', {
    clientId,
    clientSecret,
    grantType: 'urn:ietf:params:oauth:grant-type:device_code',
    deviceCode: device.deviceCode,
  });
  return token.accessToken;
}
