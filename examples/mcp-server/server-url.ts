/**
 * The MCP server's resource URL: MCP_SERVER_URL (default http://localhost:25004/mcp), on the port
 * `flag` names (`--port N` or `--port=N`), if it is given.
 */
export function mcpServerUrl(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  flag = '--port',
): string {
  const url = new URL(env.MCP_SERVER_URL ?? 'http://localhost:25004/mcp');
  const at = argv.findIndex((arg) => arg === flag || arg.startsWith(`${flag}=`));
  if (at >= 0) {
    const port = argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
    if (!/^[1-9][0-9]{0,4}$/.test(port ?? '') || Number(port) > 65535) {
      throw new Error(`${flag} needs a port number, got ${port ?? 'nothing'}`);
    }
    url.port = port;
  }
  return url.href;
}
