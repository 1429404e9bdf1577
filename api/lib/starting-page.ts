/**
 * What the server answers while it starts, before the application exists: a page that
 * says so and reloads itself, and for the interfaces a 503 with Retry-After. Plain
 * strings and no imports, so that it is ready within milliseconds of the process start.
 */

/** Seconds a client is asked to wait before trying again. */
export const STARTING_RETRY_AFTER_S = 2;

/** A step of the start, in both languages (shown on the page, Chinese first). */
export interface StartingStep {
  zh: string;
  en: string;
}

export const OPENING_DATABASE: StartingStep = { zh: '正在打开数据库', en: 'Opening the database' };

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/**
 * The "starting…" page: Chinese first, English below, no script, no external resource (the
 * security headers of the application are not in place yet, and nothing else may be
 * fetched before it is); a meta refresh brings the real page once the server is ready.
 */
export function startingPage(step: StartingStep, elapsedS: number): string {
  const s = Math.max(0, Math.round(elapsedS));
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${STARTING_RETRY_AFTER_S}">
<title>风险一张图 · 正在启动…</title>
<style>
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f4f1ea;color:#1f2933;font-family:system-ui,"Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:30rem;padding:2rem;text-align:center}
h1{font-size:1.5rem;margin:0 0 .5rem}
p{margin:.25rem 0;line-height:1.5}
.en{color:#52606d;margin-top:1.25rem}
.bar{height:4px;background:#d9d3c7;border-radius:2px;overflow:hidden;margin:1.5rem 0}
.bar i{display:block;height:100%;width:40%;background:#b7472a;animation:s 1.4s ease-in-out infinite}
@keyframes s{0%{transform:translateX(-100%)}100%{transform:translateX(250%)}}
@media (prefers-reduced-motion:reduce){.bar i{animation:none;width:100%}}
</style>
</head>
<body>
<main role="status" aria-live="polite">
<h1>风险一张图正在启动…</h1>
<p>${escapeHtml(step.zh)}（已用 ${s} 秒）。页面会自动刷新。</p>
<div class="bar"><i></i></div>
<div class="en" lang="en">
<p><strong>riskmap is starting…</strong></p>
<p>${escapeHtml(step.en)} (${s} s so far). This page reloads by itself.</p>
</div>
</main>
</body>
</html>
`;
}
