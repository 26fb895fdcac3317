// Terraform's approval step: on a terminal, `apply` asks before it spends; only `yes` approves.
// Without a terminal (CI, pipes) there is nobody to ask, so the caller proceeds as before.
import { createInterface } from 'node:readline';

export interface ConfirmIO {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/** Ask only when a person can answer: stdin is a terminal, and neither --auto-approve nor --simulate. */
export function shouldAsk(o: { autoApprove?: boolean; simulate?: boolean; input: { isTTY?: boolean } }): boolean {
  return !o.autoApprove && !o.simulate && !!o.input.isTTY;
}

/** Resolves true only for the answer `yes`; end of input (Ctrl-D) is a no. */
export function askApproval(io: ConfirmIO, what: string): Promise<boolean> {
  io.output.write(`\nDo you want to perform these actions?\n  ${what}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `);
  const rl = createInterface({ input: io.input, terminal: false });
  return new Promise((resolve) => {
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line.trim() === 'yes');
    });
    rl.once('close', () => {
      if (!answered) resolve(false);
    });
  });
}
