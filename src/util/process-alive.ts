// Whether a process id is in use: signal 0 checks without sending. EPERM means the process
// exists but belongs to another user. (A reused pid reads as alive: callers only skip cleanup.)
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
