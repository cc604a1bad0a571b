import { lang } from '../i18n/index.ts';

/** The live browser's and picker's strings (kept beside them, so other catalogues' edits do not collide). */
const en = {
  'live.region': 'Live browser: {url}', 'live.connecting': 'Opening a browser…', 'live.closed': 'The browser session ended: {why}',
  'live.readOnly': 'Watching (read-only)', 'live.address': 'Address', 'live.go': 'Go', 'live.back': 'Back',
  'pick.mode': 'Pick on page', 'pick.field': 'Pick a field', 'pick.next': 'Pick the next-page link', 'pick.more': 'Pick the load-more button',
  'pick.detail': 'Pick a detail link', 'pick.tab': 'Pick a tab', 'pick.off': 'Browse', 'pick.hint': 'Hover to see what would be picked; click to pick.',
  'pick.items': '{n} items like this on the page', 'pick.selector': 'Selector', 'pick.score': 'Score', 'pick.fill': 'Fill', 'pick.unique': 'Unique',
  'pick.stable': 'Stable', 'pick.use': 'Use', 'pick.candidates': 'Selectors for {field}', 'pick.test': 'Test', 'pick.found': 'Found: {what}',
  'pick.samples': 'Sample pages (one URL a line)', 'pick.rename': 'Field name', 'pick.remove': 'Remove',
  'pick.openDetail': 'Open a detail page', 'pick.backToList': 'Back to the list', 'pick.testDetail': 'Test detail pages',
  'pick.onDetail': 'On a detail page: fields you pick are read from each item\'s detail page.', 'pick.needLink': 'Pick a detail link first.',
  'pick.detailTesting': 'Opening {n} detail pages…', 'pick.detailTable': 'Detail test: {n} detail pages', 'pick.detailPage': 'Detail page',
  'pick.result': 'Result', 'pick.ok': 'OK', 'pick.detailFound': 'Found: {ok} / {n} detail pages', 'pick.noFields': 'Pick a field on this detail page.',
  'pick.controlTest': 'What the control added', 'pick.controlTesting': 'Testing the control on {n} page(s)…', 'pick.shownPage': 'This page',
  'pick.samplePage': 'Sample page', 'pick.page': 'Page', 'pick.added': 'Added', 'pick.press': 'press {n}: +{added}', 'pick.tabAdded': '{label}: +{added}',
  'pick.v.everywhere': 'Found on this page and the sample page', 'pick.v.shownOnly': 'Found on this page only',
  'pick.v.sampleOnly': 'Found on the sample page only', 'pick.v.nowhere': 'Added nothing', 'pick.v.noSample': 'Found on this page (no sample page to check)',
} as const;
export type LiveKey = keyof typeof en;
const ko: Record<LiveKey, string> = {
  'live.region': '실시간 브라우저: {url}', 'live.connecting': '브라우저를 여는 중…', 'live.closed': '브라우저 세션이 끝났습니다: {why}',
  'live.readOnly': '보기 전용', 'live.address': '주소', 'live.go': '이동', 'live.back': '뒤로',
  'pick.mode': '페이지에서 고르기', 'pick.field': '필드 고르기', 'pick.next': '다음 페이지 링크 고르기', 'pick.more': '더 보기 버튼 고르기',
  'pick.detail': '상세 링크 고르기', 'pick.tab': '탭 고르기', 'pick.off': '탐색', 'pick.hint': '마우스를 올리면 고를 요소가 보이고, 클릭하면 고릅니다.',
  'pick.items': '이 페이지에 같은 항목 {n}개', 'pick.selector': '선택자', 'pick.score': '점수', 'pick.fill': '채움', 'pick.unique': '유일',
  'pick.stable': '안정', 'pick.use': '사용', 'pick.candidates': '{field}의 선택자', 'pick.test': '테스트', 'pick.found': '찾음: {what}',
  'pick.samples': '샘플 페이지 (한 줄에 URL 하나)', 'pick.rename': '필드 이름', 'pick.remove': '삭제',
  'pick.openDetail': '상세 페이지 열기', 'pick.backToList': '목록으로 돌아가기', 'pick.testDetail': '상세 페이지 테스트',
  'pick.onDetail': '상세 페이지입니다: 여기서 고른 필드는 각 항목의 상세 페이지에서 읽습니다.', 'pick.needLink': '먼저 상세 링크를 고르세요.',
  'pick.detailTesting': '상세 페이지 {n}개를 여는 중…', 'pick.detailTable': '상세 테스트: 상세 페이지 {n}개', 'pick.detailPage': '상세 페이지',
  'pick.result': '결과', 'pick.ok': '성공', 'pick.detailFound': '찾음: 상세 페이지 {ok} / {n}', 'pick.noFields': '이 상세 페이지에서 필드를 고르세요.',
  'pick.controlTest': '컨트롤이 추가한 항목', 'pick.controlTesting': '페이지 {n}개에서 컨트롤을 테스트하는 중…', 'pick.shownPage': '이 페이지',
  'pick.samplePage': '샘플 페이지', 'pick.page': '페이지', 'pick.added': '추가됨', 'pick.press': '{n}번째 누름: +{added}', 'pick.tabAdded': '{label}: +{added}',
  'pick.v.everywhere': '이 페이지와 샘플 페이지 모두에서 찾음', 'pick.v.shownOnly': '이 페이지에서만 찾음',
  'pick.v.sampleOnly': '샘플 페이지에서만 찾음', 'pick.v.nowhere': '추가된 항목 없음', 'pick.v.noSample': '이 페이지에서 찾음 (확인할 샘플 페이지 없음)',
};

export function lt(key: LiveKey, vars: Record<string, string | number> = {}): string {
  const s: string = lang() === 'ko' ? ko[key] : en[key];
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}
