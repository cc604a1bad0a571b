import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { checkPage, pageApi, signIn } from './app-helpers.ts';

/** Organization templates in the app: a person saves a job as a template and starts a new job from it. */
describe('templates in the web app, as a person in Chromium', () => {
  let browser: Browser;
  let owner: Page;
  const who = `tpl-${Date.now().toString(36)}`;
  // What the person types: the saved template and the job made from it must carry exactly these.
  const selector = 'ul.rows > li.row-from-template';
  const templateName = 'Our row pattern';
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  it('saves a job as a template, lists it in the gallery and starts a new job from it', async () => {
    ({ page: owner } = await signIn(browser, who));
    await owner.goto(`${inject('edgeUrl')}/app/templates/`);
    await owner.getByTestId('no-own-templates').waitFor();
    // The built-in gallery comes from the API.
    await owner.getByTestId('use-listing-next-link').click();
    await owner.waitForURL(/\/app\/jobs\/edit\/\?template=listing-next-link$/);
    await expect.poll(() => owner.locator('#f-itemSelector').inputValue()).toBe('.product');
    expect(await owner.locator('#job-name').inputValue()).toBe('Listing with a next link');
    await owner.locator('#f-itemSelector').fill(selector);
    await expect.poll(() => owner.getByTestId('validation').textContent(), { timeout: 10_000 }).toBe('The spec is valid.');

    await owner.getByTestId('save-template-open').click();
    await owner.locator('#template-name').fill(templateName);
    await owner.locator('#template-description').fill('Rows of our shop');
    await checkPage(owner, 'job-editor-save-template');
    await owner.getByTestId('save-template-button').click();
    await owner.getByText('Saved as a template.').waitFor();

    await owner.goto(`${inject('edgeUrl')}/app/templates/`);
    await owner.getByRole('heading', { name: templateName }).waitFor();
    const list = await pageApi(owner, 'GET', '/v1/templates');
    const mine = (list.body.data as { id: string; name: string; description: string; builtIn: boolean; spec: { itemSelector: string } }[]).filter((x) => !x.builtIn);
    expect(mine.map((x) => [x.name, x.description, x.spec.itemSelector])).toEqual([[templateName, 'Rows of our shop', selector]]);
    const id = mine[0]!.id;
    await owner.getByTestId(`template-${id}`).getByText('Rows of our shop').waitFor();
    await checkPage(owner, 'templates-own');

    await owner.getByTestId(`use-${id}`).click();
    await owner.waitForURL(new RegExp(`/app/jobs/edit/\\?template=${id}$`));
    await expect.poll(() => owner.locator('#f-itemSelector').inputValue()).toBe(selector);
    expect(await owner.locator('#job-name').inputValue()).toBe(templateName);
    await expect.poll(() => owner.getByTestId('validation').textContent(), { timeout: 10_000 }).toBe('The spec is valid.');
    await owner.getByTestId('save-button').click();
    await owner.waitForURL(/\/app\/jobs\/edit\/\?id=job_[a-z0-9]+&saved=1$/);
    const jobId = new URL(owner.url()).searchParams.get('id');
    const job = await pageApi(owner, 'GET', `/v1/jobs/${jobId}`);
    expect(job.status).toBe(200);
    expect([job.body.name, (job.body.spec as { itemSelector: string }).itemSelector]).toEqual([templateName, selector]);
  });

  it('shows a Viewer the templates with delete disabled (and the reason); the API refuses; the owner deletes it', async () => {
    const list = await pageApi(owner, 'GET', '/v1/templates');
    const id = (list.body.data as { id: string; builtIn: boolean }[]).find((x) => !x.builtIn)!.id;
    const invite = await pageApi(owner, 'POST', '/v1/invitations', { role: 'viewer' });
    expect(invite.status).toBe(201);
    const { page: viewer, context } = await signIn(browser, `${who}-viewer`, new URL(String(invite.body.link)).pathname);
    await viewer.goto(`${inject('edgeUrl')}/app/templates/`);
    const del = viewer.getByTestId(`delete-${id}`);
    await del.waitFor();
    expect(await del.isDisabled()).toBe(true);
    const why = await del.getAttribute('aria-describedby');
    expect(await viewer.locator(`#${why}`).textContent()).toBe('Your role (Viewer) may not do this (jobs:write).');
    await checkPage(viewer, 'templates-viewer');
    expect((await pageApi(viewer, 'DELETE', `/v1/templates/${id}`)).status).toBe(403);
    await context.close();

    await owner.goto(`${inject('edgeUrl')}/app/templates/`);
    await owner.getByTestId(`delete-${id}`).click();
    await owner.getByTestId(`confirm-delete-${id}`).click();
    await owner.getByTestId('no-own-templates').waitFor();
    expect((await pageApi(owner, 'GET', `/v1/templates/${id}`)).status).toBe(404);
    expect(await owner.getByTestId('template-load-more').count()).toBe(1);
  });
});
