import { Match, Switch } from 'solid-js';
import type { MessageKey } from './i18n/index.ts';
import { Shell, type Section } from './ui/shell.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { JobsPage } from './pages/jobs.tsx';
import { JobEditorPage } from './pages/job-editor.tsx';
import { JobSchedulePage } from './pages/job-schedule.tsx';
import { RunMonitorPage } from './pages/run-monitor.tsx';
import { ResultsPage } from './pages/results.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { InsightPage } from './pages/insight.tsx';
import { TemplatesPage } from './pages/templates.tsx';
import { UsagePage } from './pages/usage.tsx';
import { ErrorGuidePage, type ErrorEntry } from './pages/error-guide.tsx';

export type Page = 'dashboard' | 'jobs' | 'job-editor' | 'job-schedule' | 'run' | 'results' | 'settings' | 'errors' | 'insight' | 'templates' | 'usage';
const FRAME: Record<Page, { section: Section; title: MessageKey }> = {
  dashboard: { section: 'dashboard', title: 'dash.title' },
  jobs: { section: 'jobs', title: 'jobs.title' },
  'job-editor': { section: 'jobs', title: 'editor.newTitle' },
  'job-schedule': { section: 'jobs', title: 'schedule.head' },
  run: { section: 'jobs', title: 'run.titleShort' },
  results: { section: 'jobs', title: 'results.title' },
  settings: { section: 'settings', title: 'settings.title' },
  errors: { section: 'errors', title: 'guide.title' },
  insight: { section: 'insight', title: 'insight.title' },
  templates: { section: 'templates', title: 'templates.title' },
  usage: { section: 'usage', title: 'usage.title' },
};

/**
 * The app's one island: each Astro page under /app/ is a static shell that mounts it with its page name
 * (ids travel in the query string, so every page is a plain static file the Worker's assets serve).
 */
export default function App(props: { page: Page; errors?: ErrorEntry[]; code?: string }) {
  const frame = FRAME[props.page];
  return (
    <Shell section={frame.section} title={frame.title}>{() => (
      <Switch>
        <Match when={props.page === 'dashboard'}><DashboardPage /></Match>
        <Match when={props.page === 'jobs'}><JobsPage /></Match>
        <Match when={props.page === 'job-editor'}><JobEditorPage /></Match>
        <Match when={props.page === 'job-schedule'}><JobSchedulePage /></Match>
        <Match when={props.page === 'run'}><RunMonitorPage /></Match>
        <Match when={props.page === 'results'}><ResultsPage /></Match>
        <Match when={props.page === 'settings'}><SettingsPage /></Match>
        <Match when={props.page === 'insight'}><InsightPage /></Match>
        <Match when={props.page === 'templates'}><TemplatesPage /></Match>
        <Match when={props.page === 'usage'}><UsagePage /></Match>
        <Match when={props.page === 'errors'}><ErrorGuidePage errors={props.errors ?? []} code={props.code} /></Match>
      </Switch>
    )}</Shell>
  );
}
