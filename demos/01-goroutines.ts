// Go: `go sayHello(); time.Sleep(time.Second)`, start a goroutine, then guess how long to wait.
// gorx: `go(fn)` starts a task and `sleep(ms)` is time.Sleep; awaiting the task or a WaitGroup replaces the guess.
import { fileURLToPath } from 'node:url';
import { go, sleep, WaitGroup } from 'gorx';

function sayHello(): void {
  console.log('Hello from a goroutine!');
}

export async function main(): Promise<void> {
  // The article's first try: start the goroutine, then sleep and hope it has finished.
  go(sayHello);
  await sleep(10);
  console.log('main: slept 10 ms, hoping the goroutine finished');

  // A task is awaitable: wait for exactly the work you started, however long it takes.
  const task = go(
    async () => {
      await sleep(20);
      return 'Hello from a slower goroutine!';
    },
    { name: 'slow-hello' },
  );
  console.log(`${task.name}: ${await task}`);

  // Many goroutines: a WaitGroup (Go 1.25's wg.Go adds and calls Done for you).
  const wg = new WaitGroup();
  for (let i = 0; i < 3; i++) wg.go(() => console.log(`goroutine ${i} says hello`));
  await wg.wait();
  console.log('main: all goroutines finished, no guessing');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
