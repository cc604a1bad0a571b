/** The guides the site serves from docs/ (in this order in its navigation). */
export interface GuideEntry { slug: string; title: string; summary: string }

export const GUIDES: GuideEntry[] = [
  { slug: 'getting-started', title: 'Getting started', summary: 'From nothing to your first results in five minutes.' },
  { slug: 'cookbook', title: 'Cookbook', summary: 'Jobs for every kind of dynamic page: load more, infinite scroll, tabs, frames, detail pages.' },
  { slug: 'jobspec', title: 'JobSpec reference', summary: 'Every field of a job, its default and an example.' },
  { slug: 'sdk', title: 'SDK, CLI and MCP', summary: 'Trawl from TypeScript, the command line and AI agents.' },
  { slug: 'deploy', title: 'Deploying', summary: 'The edge on Cloudflare and the browser fleet on Kubernetes.' },
  { slug: 'architecture', title: 'Architecture', summary: 'How Trawl is built.' },
];
