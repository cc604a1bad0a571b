/** Vite's `?raw` imports: a file's text (tests read shipped configuration files this way). */
declare module '*?raw' {
  const text: string;
  export default text;
}
