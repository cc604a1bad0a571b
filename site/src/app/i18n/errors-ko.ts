/**
 * The error table's hints in Korean, one per code of schemas/src/errors.ts (the Record type makes the compiler refuse a
 * missing code). The English hint stays in the error table, where the API sends it; the app shows this one instead
 * when the UI is Korean. The API's own `message` is about one request and stays as sent.
 */
import type { ErrorCode } from '@trawl/schemas';

export const ERROR_HINTS_KO: Record<ErrorCode, string> = {
  NAVIGATION_ERROR: '페이지를 불러오지 못했습니다(DNS, TLS 또는 연결 실패). 브라우저에서 URL이 열리는지 확인하세요.',
  NAVIGATION_TIMEOUT: '페이지가 제한 시간 안에 로드되지 않았습니다. limits.taskTimeoutMs를 늘리거나 "load" 대신 선택자를 기다리세요.',
  HTTP_4XX: '사이트가 4xx 상태로 응답했습니다. URL이 아직 존재하는지, 로그인이 필요 없는지 확인하세요.',
  HTTP_5XX: '사이트가 5xx 상태로 응답했습니다. 대개 일시적인 문제이며 자동으로 다시 시도합니다.',
  RATE_LIMITED: '사이트가 429로 응답했습니다. 작업의 동시 실행 수를 줄이세요. Retry-After를 따릅니다.',
  SELECTOR_TIMEOUT: '기다리던 선택자가 나타나지 않았습니다. 트레이스나 스크린샷의 페이지와 선택자를 비교하세요.',
  EXTRACTION_EMPTY: '항목 선택자가 페이지에서 아무것도 찾지 못했습니다. itemSelector를 확인하거나 동적 콘텐츠를 위한 대기 규칙을 추가하세요.',
  ACTION_BLOCKED: '동작의 대상 요소가 다른 요소(흔히 동의 창이나 폼이 든 iframe)에 가려졌습니다. 단계에 iframe의 선택자를 "frame"으로 지정하거나 먼저 오버레이를 닫으세요.',
  PROXY_FAILED: '작업의 업스트림 프록시에 연결할 수 없거나 연결을 거부했습니다. 프록시와 자격 증명을 확인하세요(GET /v1/proxies). 실패한 프록시는 1분 동안 건너뜁니다.',
  PRIVATE_PROXY: '업스트림 프록시가 사설, 루프백 또는 특수 용도 주소나 이름에 있습니다. 공용 인터넷에서 접근할 수 있는 프록시를 지정하세요(ADR 0035 참고).',
  SHARE_LINK_INVALID: '공유 링크가 알 수 없거나 만료되었거나 취소되었습니다. 실행을 공유한 사람에게 새 링크를 요청하세요.',
  INVALID_SCHEDULE: 'cron 필드 다섯 개(분 시 일 월 요일, 예: "0 6 * * 1-5")와 "Asia/Seoul"이나 "UTC" 같은 IANA 시간대를 사용하세요.',
  PATTERN_TIMEOUT: '정규식 또는 치환 단계가 이 페이지에서 시간 예산을 넘겼습니다. 필드의 선택자를 좁혀 텍스트를 줄이거나 패턴을 단순하게 하세요.',
  BLOCKED_BY_POLICY: 'URL이 조직의 네트워크 또는 도메인 정책 밖에 있습니다.',
  BLOCKED_BY_SITE: '사이트가 봇 확인 또는 차단 페이지를 보여 주었습니다. 속도를 낮추거나 저장된 로그인을 사용하세요.',
  LOGIN_REQUIRED: '페이지가 로그인을 요구합니다. 작업의 저장된 로그인을 새로 고치세요.',
  SESSION_EXPIRED: '페이지가 사이트 세션이 만료되었다고 알립니다(session.expired 일치). session.keep을 켜면 재시도가 마지막 정상 페이지에서 그 세션으로 다시 시작합니다.',
  BROWSER_CRASHED: '브라우저 또는 페이지가 비정상 종료되었습니다. 재시도는 새 브라우저 컨텍스트를 사용합니다.',
  PAGE_CRASHED: '페이지가 렌더러를 중단시켰습니다(대개 메모리 과다 사용). 이 작업만 실패했습니다. 다시 시도하려면 retry.codes에 PAGE_CRASHED를 추가하세요.',
  PAGE_CLOSED: '작업이 끝나기 전에 페이지가 스스로 닫혔습니다(window.close()).',
  DOWNLOAD_REFUSED: 'URL이 파일 다운로드(Content-Disposition: attachment)로 응답했으며 플릿 브라우저는 다운로드를 거부합니다. 작업이 페이지를 가리키게 하세요.',
  FLEET_UNAVAILABLE: '작업을 받은 브라우저 플릿 노드가 없습니다. 플릿 노드가 실행 중이고 등록되어 있는지 확인하세요.',
  TASK_TIMEOUT: '작업이 limits.taskTimeoutMs를 넘겼습니다. 값을 늘리거나 페이지당 작업량을 줄이세요.',
  RUN_TIMEOUT: '실행이 limits.runTimeoutMs를 넘겼습니다. 그때까지 모은 결과는 보존되었습니다.',
  RUN_WARNINGS: '작업이 실패로 처리하도록 설정한 경고(failOnWarnings)와 함께 실행이 끝났습니다. 실행의 경고를 확인하세요. 항목은 그대로 내려받을 수 있습니다.',
  CANCELLED: '실행이 취소되었습니다. 그때까지 모은 결과는 보존되었습니다.',
  INTERNAL: '내부 오류입니다. 신고할 때 요청 ID를 알려 주세요.',
  INVALID_SPEC: 'details.issues에 나열된 필드를 고친 뒤 요청을 다시 보내세요.',
  INVALID_REQUEST: 'details.issues에 나열된 요청 매개변수를 고치세요.',
  UNREACHABLE_TARGET: 'URL이 사설, 루프백 또는 특수 용도 주소나 이름(localhost, 10.0.0.0/8, ::1, *.local 등) 또는 포트 0을 가리킵니다. 플릿은 공개 호스트만 가져옵니다. details.issues를 보세요.',
  UNAUTHORIZED: '유효한 API 키를 "Authorization: Bearer <key>"로 보내세요.',
  FORBIDDEN: '키 또는 역할에 이 호출에 필요한 권한이 없습니다.',
  NOT_FOUND: 'ID가 맞는지, 그리고 조직에 속한 것인지 확인하세요.',
  CONFLICT: '리소스가 이 변경을 허용하지 않는 상태입니다.',
  LEASE_LOST: '작업이 다른 곳에 다시 배정되었거나 실행이 끝났습니다. 이 시도는 버리세요.',
  FLEET_BUSY: '플릿 노드에 빈 슬롯이 없습니다. 작업은 다른 노드에서 다시 시도됩니다.',
  RUN_NOT_FINISHED: '결과는 실행이 끝날 때 기록됩니다. /events를 구독하거나 실행을 주기적으로 조회하세요.',
  RATE_LIMITED_API: '요청이 너무 많습니다. Retry-After만큼 기다리세요.',
  EMAIL_NOT_VERIFIED: 'ID 공급자에서 이메일 주소를 인증하거나 처음 사용한 ID로 로그인하세요.',
  BUILT_IN_TEMPLATE: '기본 제공 템플릿은 Trawl과 함께 배포되어 바꾸거나 지울 수 없습니다. 대신 작업을 조직 템플릿으로 저장하세요.',
};
