// The page's stylesheet, inline (the page loads nothing from anywhere).
export const STYLE = `
:root{--fg:#1b1f24;--mut:#57606a;--bd:#d0d7de;--bg2:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--xf:#8250df;--part:#0969da;--skip:#6e7781}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:0;padding:0 24px 48px;max-width:1400px}
h1{font-size:22px;margin:18px 0 6px}h2{font-size:18px;margin:28px 0 8px;padding-top:8px;border-top:1px solid var(--bd)}
h3{font-size:15px;margin:16px 0 6px}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
code,pre,.mono{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:var(--bg2);padding:0 3px;border-radius:3px}
pre{background:var(--bg2);padding:8px;overflow:auto;max-height:320px;white-space:pre-wrap}
nav{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid var(--bd);z-index:2}
nav a{margin-right:14px}
.mut{color:var(--mut)}
.b{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap;border:1px solid currentColor}
.b.big{font-size:16px;padding:2px 12px;border-radius:14px}
.v-pass{color:var(--ok)}.v-fail{color:var(--bad)}.v-warning{color:var(--warn)}.v-expected-failure{color:var(--xf)}
.v-partial,.v-untestable{color:var(--part)}.v-skipped,.v-not-run,.v-uncovered{color:var(--skip)}
.m{font-weight:700;display:inline-block;width:1.1em;text-align:center}
.c-pass{color:var(--ok)}.c-fail{color:var(--bad)}.c-untestable{color:var(--part)}.c-skipped{color:var(--skip)}.c-expected{color:var(--xf)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}dl.meta dt{color:var(--mut)}dl.meta dd{margin:0}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid var(--bd);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--bg2);font-weight:600}
.matrix th{position:sticky;top:33px;z-index:1}
tr.hide,details.hide,li.hide{display:none}
.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin:6px 0}
.filters input[type=search]{width:280px;padding:3px 6px}
.counts button{border:1px solid var(--bd);background:#fff;border-radius:12px;padding:1px 9px;margin:2px;cursor:pointer}
.counts button.on{background:var(--bg2);border-color:var(--fg)}
ol.causes li{margin:4px 0}
details.sc,tr[id],section{scroll-margin-top:40px}
details.sc{border:1px solid var(--bd);border-radius:6px;margin:6px 0;padding:0 8px}
details.sc>summary{cursor:pointer;padding:6px 0;list-style-position:outside}
details.sc[open]>summary{border-bottom:1px solid var(--bd)}
details.sc.target{box-shadow:0 0 0 2px #0969da}
.calls{width:100%}
.calls td{font-size:13px}
.calls td.n{white-space:nowrap;width:1%}
.story{font-weight:600;margin-bottom:2px}
.who{font-weight:600}
.ctrl{opacity:.7}
ul.chk{list-style:none;margin:0;padding:0}ul.chk li{margin:1px 0}
ul.plain{margin:2px 0;padding-left:18px}
.sw td:first-child{width:24%}
.small{font-size:12px}
`;
