const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export interface PageOptions {
  title: string;
  /** Trusted HTML: every interpolated value in it must already be escaped. */
  body: string;
  /** Script paths under /static (the CSP allows no inline script). */
  scripts?: string[];
  /** A narrow column, for forms. */
  narrow?: boolean;
}

/** The shared page frame: stylesheet, site header, no inline script or style. */
export function renderPage({ title, body, scripts = [], narrow = false }: PageOptions): string {
  const tags = scripts.map((src) => `<script src="${escapeHtml(src)}" defer></script>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Proofgate</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/proofgate.css">
${tags}
</head>
<body>
<header class="site"><a class="brand" href="/">Proofgate</a>
<nav><a href="/lab">Lab</a><a href="/challenge-models">Models</a><a href="/docs">API</a><a href="/demo/wallet">dApp demo</a></nav></header>
<main${narrow ? ' class="narrow"' : ''}>
${body}
</main>
</body>
</html>
`;
}
