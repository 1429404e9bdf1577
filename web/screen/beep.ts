/**
 * The alarm sound: a short two-tone beep made with WebAudio in code (no audio file). Browsers
 * only let a page play sound after a user gesture: the sound switch is that gesture.
 */
let context: AudioContext | null = null;

/** Prepare the audio context (call from a click). */
export function unlockAudio(): void {
  try {
    context ??= new AudioContext();
    void context.resume();
  } catch {
    context = null;
  }
}

/** Three short alternating tones, about a second. Does nothing without audio. */
export function beep(): void {
  const ctx = context;
  if (!ctx) return;
  const start = ctx.currentTime + 0.02;
  for (let i = 0; i < 3; i++) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = i % 2 === 0 ? 880 : 660;
    const t0 = start + i * 0.3;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + 0.27);
  }
}
