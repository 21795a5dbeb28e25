// The JIT compiler threads of JVMs under test, read from /proc: a fresh JVM compiles for minutes,
// and a window measured meanwhile counts its compiling rather than the steady state.
import fs from 'node:fs'

const compilerTicks = new Map() // pid -> its compilers' last reading: a process that exits keeps it

/** CPU ms the JIT compiler threads (C1, C2) of these processes have used so far. */
export function compilerMs (pids) {
  let ticks = 0
  for (const pid of pids) {
    let tasks = []
    try { tasks = fs.readdirSync(`/proc/${pid}/task`) } catch {}
    let own = 0
    for (const tid of tasks) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
        if (!/^C[12] CompilerThre/.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) continue
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        own += Number(f[11]) + Number(f[12]) // utime, stime
      } catch {}
    }
    if (tasks.length) compilerTicks.set(pid, own)
    ticks += compilerTicks.get(pid) || 0
  }
  return ticks * 10 // clock ticks of 10 ms
}

/** The share of a core these processes' compilers used, 5 s at a time, until it is under 5 % (at most maxSeconds). */
export async function jitQuiet (pidsNow, maxSeconds) {
  const until = Date.now() + maxSeconds * 1000
  let share = 0
  while (Date.now() < until) {
    const before = compilerMs(pidsNow())
    await new Promise(resolve => setTimeout(resolve, 5000))
    share = (compilerMs(pidsNow()) - before) / 5000
    if (share < 0.05) return share
  }
  return share
}
