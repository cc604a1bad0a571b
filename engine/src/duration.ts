/**
 * Durations for the `duration` step: "1 h 50 min", "1시간 50분", "1時間50分", "1 Std. 50 Min.", "PT1H50M", "1:50"
 * (hours and minutes; "1:50:30" with seconds) to a number of minutes or seconds. Every number must carry a unit
 * the table knows, or the value is null: "1 50" or "2 laps" is not a duration.
 */
import { normalizeNumerals } from './numerals.ts';

const SECONDS: Array<[number, string[]]> = [
  [86_400, ['d', 'day', 'days', 'tag', 'tage', 'tagen', 'jour', 'jours', 'j', 'día', 'días', 'dia', 'dias', 'giorno', 'giorni', 'dag', 'dagen', '일', '日', '天']],
  [3600, ['h', 'hr', 'hrs', 'hour', 'hours', 'std', 'stunde', 'stunden', 'heure', 'heures', 'hora', 'horas', 'ora', 'ore', 'uur', 'u', '시간', '時間', '小时', '小時', '时', '時']],
  [60, ['m', 'min', 'mins', 'minute', 'minutes', 'minuten', 'minuto', 'minutos', 'minuti', 'minuut', 'mn', '분', '分', '分钟', '分鐘']],
  [1, ['s', 'sec', 'secs', 'second', 'seconds', 'sek', 'sekunde', 'sekunden', 'seconde', 'secondes', 'segundo', 'segundos', 'secondo', 'secondi', 'seconden', '초', '秒', '秒钟', '秒鐘']],
];
const UNIT = new Map(SECONDS.flatMap(([s, words]) => words.map((w) => [w, s] as const)));

const ISO = /^P(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;
const CLOCK = /^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$/;
/** A number, then its unit word (letters, CJK, an optional dot), then spaces, commas or "and"-like joiners. */
const TERM = /(\d+(?:[.,]\d+)?) ?([\p{L}]+)\.?/gu;
const JOINER = /^[\s,;+]*(?:and|und|et|y|e|en|og)?[\s,;+]*$/i;

const num = (s: string | undefined): number => (s ? Number(s.replace(',', '.')) : 0);

/** The duration in seconds, or null when the text is not one. */
export function durationSeconds(input: string): number | null {
  const s = normalizeNumerals(input).trim();
  if (!s) return null;
  const iso = ISO.exec(s);
  if (iso && s !== 'P' && !/T$/i.test(s)) return num(iso[1]) * 86_400 + num(iso[2]) * 3600 + num(iso[3]) * 60 + num(iso[4]);
  const clock = CLOCK.exec(s);
  if (clock) return num(clock[1]) * 3600 + num(clock[2]) * 60 + num(clock[3]);
  let total = 0;
  let at = 0;
  let terms = 0;
  for (const m of s.matchAll(TERM)) {
    const unit = UNIT.get(m[2]!.toLowerCase());
    if (unit === undefined || !JOINER.test(s.slice(at, m.index))) return null;
    total += num(m[1]) * unit;
    at = m.index + m[0].length;
    terms++;
  }
  return terms > 0 && JOINER.test(s.slice(at)) ? total : null;
}

/** The `duration` step: minutes (default) or seconds, rounded to whole seconds' worth. */
export function readDuration(input: string, unit: 'minutes' | 'seconds'): number | null {
  const sec = durationSeconds(input);
  if (sec === null) return null;
  return unit === 'seconds' ? Math.round(sec) : Math.round((sec / 60) * 1000) / 1000;
}
