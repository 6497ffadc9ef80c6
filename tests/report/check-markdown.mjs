// Renders an Export-MediaReport Markdown file with markdown-it (GitHub-flavoured tables, raw HTML off as on most
// ticket systems) and checks it comes out as tables whose cells hold the given texts exactly, nothing executable.
//   node check-markdown.mjs --report r.md --text "uploads/<script>…" [--text ...]
import MarkdownIt from 'markdown-it';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({ options: { report: { type: 'string' }, text: { type: 'string', multiple: true, default: [] } } });
const problems = [];
const md = new MarkdownIt();
const tokens = md.parse(readFileSync(a.report, 'utf8'), {});

// Cells as markdown-it understood them: its inline tokens between td/th open and close, text decoded.
const tables = [];
let table = null, row = null;
for (let i = 0; i < tokens.length; i++) {
  const t = tokens[i];
  if (t.type === 'table_open') tables.push(table = []);
  else if (t.type === 'tr_open') table.push(row = []);
  else if ((t.type === 'td_open' || t.type === 'th_open') && tokens[i + 1].type === 'inline')
    row.push(tokens[i + 1].children.map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'html_inline' ? `[html:${c.content}]` : '')).join(''));
}
const html = md.render(readFileSync(a.report, 'utf8'));
if (tables.length < 3) problems.push(`${tables.length} tables rendered, expected the summary, attention and step tables`);
for (const [n, t] of tables.entries())
  for (const r of t) if (r.length !== t[0].length) problems.push(`table ${n}: a row of ${r.length} cells under ${t[0].length} headers: ${JSON.stringify(r)}`);
const cells = tables.flat(2);
for (const text of a.text) if (!cells.includes(text)) problems.push(`no cell holds exactly '${text}'`);
if (/<script/i.test(html)) problems.push('the rendered HTML contains a script element');
console.log(JSON.stringify({ tables: tables.length, rows: tables.reduce((n, t) => n + t.length, 0), problems }));
process.exit(problems.length ? 1 : 0);
