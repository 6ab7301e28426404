// TeX → HTML for deck/katex.py: one JSON request {tex, options} per line on stdin, one JSON answer
// {html} or {error} per line on stdout, until stdin closes. One process serves a whole build.
"use strict";
const katex = require("katex");
const readline = require("readline");

readline.createInterface({input: process.stdin}).on("line", (line) => {
  const {tex, options} = JSON.parse(line);
  let answer;
  try {
    answer = {html: katex.renderToString(tex, options)};
  } catch (error) {  // a katex.ParseError for a TeX mistake
    answer = {error: error.message};
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
