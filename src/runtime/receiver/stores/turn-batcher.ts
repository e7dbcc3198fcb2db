// One batch per event-loop turn, shared by the durable receiver stores.

/**
 * Collects the calls made in one turn of the event loop and runs them as one batch at the end of the
 * turn (setImmediate): one round trip or one commit serves many webhooks. Each caller's promise settles
 * with its own output (same position as its input) once the batch completed; a failing batch rejects
 * every caller (fail closed). `run` may be synchronous (a SQLite transaction) or asynchronous.
 */
export class TurnBatcher<I, O> {
  readonly #run: (inputs: readonly I[]) => O[] | Promise<O[]>;
  #inputs: I[] = [];
  #settlers: Array<{ resolve: (value: O) => void; reject: (error: unknown) => void }> = [];
  #scheduled = false;

  constructor(run: (inputs: readonly I[]) => O[] | Promise<O[]>) {
    this.#run = run;
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#inputs.push(input);
      this.#settlers.push({ resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  /** Runs what is queued now (before the database closes). */
  drain(): void {
    if (this.#inputs.length > 0) this.#flush();
  }

  readonly #flush = (): void => {
    const inputs = this.#inputs;
    const settlers = this.#settlers;
    this.#inputs = [];
    this.#settlers = [];
    this.#scheduled = false;
    if (inputs.length === 0) return;
    const rejectAll = (error: unknown): void => {
      for (const settler of settlers) settler.reject(error);
    };
    const resolveAll = (outputs: O[]): void => {
      for (let i = 0; i < settlers.length; i++) settlers[i]?.resolve(outputs[i] as O);
    };
    let outputs: O[] | Promise<O[]>;
    try {
      outputs = this.#run(inputs);
    } catch (error) {
      rejectAll(error);
      return;
    }
    if (Array.isArray(outputs)) resolveAll(outputs);
    else outputs.then(resolveAll, rejectAll);
  };
}
