/**
 * Sign-in attempts per login (docs/web.md#signing-in): after MAX_FAILURES wrong passwords within WINDOW_MS, that
 * login is refused until the oldest of them leaves the window, whatever the password; a right password clears it.
 * Kept in memory: a restart forgets it, which costs an attacker a restart of a gateway they cannot restart. At most
 * MAX_LOGINS logins are tracked (the oldest dropped), so a flood of made-up logins cannot grow memory. Pure: the
 * clock comes in as an argument.
 */
export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60_000;
const MAX_LOGINS = 10_000;

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  /** Milliseconds until `login` may try again; 0 when it may now. */
  waitMs(login: string, now: number): number {
    const recent = this.recent(login, now);
    return recent.length >= MAX_FAILURES ? recent[0]! + WINDOW_MS - now : 0;
  }

  failed(login: string, now: number): void {
    const key = login.trim().toLowerCase();
    const list = [...this.recent(key, now), now];
    this.failures.delete(key);
    this.failures.set(key, list);
    if (this.failures.size > MAX_LOGINS) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(login: string): void {
    this.failures.delete(login.trim().toLowerCase());
  }

  private recent(login: string, now: number): number[] {
    return (this.failures.get(login.trim().toLowerCase()) ?? []).filter((t) => t > now - WINDOW_MS);
  }
}
