#!/usr/bin/env node
// Replaces the README's performance block with bench/results/latest.md (run `npm run bench` first).
import { readFileSync, writeFileSync } from 'node:fs';
const md = readFileSync('bench/results/latest.md', 'utf8');
const readme = readFileSync('README.md', 'utf8');
const next = readme.replace(/<!-- perf:start -->[\s\S]*<!-- perf:end -->/, `<!-- perf:start -->\n${md}<!-- perf:end -->`);
if (next === readme && !readme.includes(md)) throw new Error('README has no <!-- perf:start --> … <!-- perf:end --> block');
writeFileSync('README.md', next);
console.log('README performance section updated');
