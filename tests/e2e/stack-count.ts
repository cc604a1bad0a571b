/** How many local stacks (and e2e files at once) the e2e project uses: two keep both cores busy while files wait on pages. */
export const E2E_STACKS = Math.max(1, Number(process.env.TRAWL_E2E_STACKS ?? 2));
