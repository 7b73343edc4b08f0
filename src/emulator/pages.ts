/** The few HTML pages a person sees: the device verification page, the consent page, results, errors. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #f2f3f3; color: #16191f; margin: 0; }
  main { max-width: 30rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px;
         box-shadow: 0 1px 4px rgba(0,0,0,.15); }
  h1 { font-size: 1.3rem; margin-top: 0; }
  .code { font: 600 2rem/1 ui-monospace, monospace; letter-spacing: .15em; text-align: center; margin: 1.5rem 0; }
  .actions { display: flex; gap: 1rem; justify-content: flex-end; }
  button { font: inherit; padding: .5rem 1.25rem; border-radius: 4px; border: 1px solid #545b64; background: #fff;
           cursor: pointer; }
  button.allow { background: #ec7211; border-color: #ec7211; color: #fff; }
  input { font: inherit; padding: .4rem; width: 100%; box-sizing: border-box; text-transform: uppercase; }
  .note { color: #545b64; font-size: .9rem; }
`;

const layout = (title: string, body: string): string => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - rolecall emulator</title><style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
<p class="note">rolecall emulator: a local stand-in for AWS IAM Identity Center. Nothing here reaches AWS.</p>
</main></body>
</html>
`;

const decisionButtons = `<div class="actions">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow" class="allow">Allow</button>
</div>`;

export const errorPage = (message: string): string => layout('Something went wrong', `<p>${escapeHtml(message)}</p>`);

export const deviceCodeEntryPage = (): string =>
  layout(
    'Authorize request',
    `<form method="get" action="device">
<p><label for="user_code">Enter the code shown by your application</label></p>
<p><input id="user_code" name="user_code" autocomplete="off" autofocus placeholder="XXXX-XXXX"></p>
<div class="actions"><button type="submit" class="allow">Next</button></div>
</form>`,
  );

export const deviceConsentPage = (userCode: string, user: string): string =>
  layout(
    'Authorize request',
    `<p>An application asks to use your AWS access as <strong>${escapeHtml(user)}</strong>.
Check that it shows this code:</p>
<div class="code">${escapeHtml(userCode)}</div>
<form method="post" action="device">
<input type="hidden" name="user_code" value="${escapeHtml(userCode)}">
${decisionButtons}
</form>`,
  );

export const authorizeConsentPage = (clientName: string, scopes: readonly string[], consentId: string): string =>
  layout(
    'Allow access?',
    `<p><strong>${escapeHtml(clientName)}</strong> asks for access to your AWS accounts${
      scopes.length > 0 ? ` (${scopes.map(escapeHtml).join(', ')})` : ''
    }.</p>
<form method="post" action="authorize">
<input type="hidden" name="consent" value="${escapeHtml(consentId)}">
${decisionButtons}
</form>`,
  );

export const decisionPage = (allowed: boolean): string =>
  allowed
    ? layout('Request approved', '<p>You can close this window and return to your application.</p>')
    : layout('Request denied', '<p>The application was not given access. You can close this window.</p>');

export const indexPage = (origin: string, summary: string): string =>
  layout(
    'rolecall emulator',
    `<p>${escapeHtml(summary)}</p>
<p>Point AWS clients here with <code>AWS_ENDPOINT_URL_SSO</code>, <code>AWS_ENDPOINT_URL_SSO_OIDC</code> and
<code>AWS_ENDPOINT_URL_STS</code> set to <code>${escapeHtml(origin)}</code>.</p>
<p><a href="device">Device verification page</a> · <a href="_emulator/stats">Request statistics</a></p>`,
  );
