/**
 * The AWS SDK warns on every Node 20 start that its future releases will need Node 22. rolecall pins
 * SDK versions that run on Node 20, so the notice is nothing a rolecall user can act on; it would only
 * bury rolecall's own messages on stderr.
 */
export function quietSdkNotices(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}
