/**
 * The `shocklens` command line. Each command lives in its own file exporting `register(program)`;
 * a command parses and validates its options, calls one library function and prints the result
 * (`--json`: one JSON object on stdout and nothing else there).
 */
import { Command, CommanderError } from "commander";
import { InputError, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE } from "./errors.ts";
import { selectForcedBackends } from "../core/backends/registry.ts";
import { VERSION } from "../version.ts";

type Registrar = (program: Command) => void;

async function commandRegistrars(): Promise<Registrar[]> {
  // Lazy imports keep `shocklens --help` fast and let each command pull in only its own dependencies.
  const modules = await Promise.all([
    import("./demo.ts"),
    import("./train.ts"),
    import("./runs.ts"),
    import("./sweep.ts"),
    import("./worker.ts"),
    import("./eval.ts"),
    import("./quotient.ts"),
    import("./entropy.ts"),
    import("./pde.ts"),
    import("./doctor.ts"),
    import("./report.ts"),
    import("./serve.ts"),
    import("./verify.ts"),
    import("./paper.ts"),
    import("./analyze.ts"),
    import("./experiment.ts"),
  ]);
  return modules.map((m) => m.register);
}

export async function buildProgram(): Promise<Command> {
  const program = new Command();
  program
    .name("shocklens")
    .description("Shock waves and symmetry-reduced SGD: autodiff, quotients, local entropy, HJ/Burgers solvers")
    .version(VERSION, "-V, --version")
    .showHelpAfterError(false)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of await commandRegistrars()) register(program);
  // A backend forced by an environment variable that cannot load stops the command before it
  // starts (exit 2, one line); `doctor` reports it instead.
  program.hook("preAction", (_program, command) => {
    running = command;
    if (command.name() !== "doctor") selectForcedBackends();
  });
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** The command whose action is running (its options name the library's fields in error messages). */
let running: Command | undefined;

/** Runs the CLI and returns the exit code (never throws, never prints a stack trace for bad input). */
export async function main(argv: string[]): Promise<number> {
  let program: Command;
  running = undefined;
  try {
    program = await buildProgram();
    if (argv.length <= 2) {
      // Bare `shocklens`: the overview, as `shocklens --help` prints it (stdout, exit 0).
      process.stdout.write(program.helpInformation());
      return EXIT_OK;
    }
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (err) {
    return reportError(err, running);
  }
}

/**
 * The message of an InputError about one library field, in the terms of the command the user ran:
 * a leading field ("cfl: …", "ic PATH: …") becomes the option that set it ("--cfl: …") when the
 * command has that option (camelCase fields are kebab-case options: maxSamples → --max-samples).
 */
export function inOptionTerms(err: InputError, command?: Command): string {
  const field = err.field;
  if (field === undefined || command === undefined || !err.message.startsWith(field)) return err.message;
  const option = `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (!command.options.some((o) => o.long === option)) return err.message;
  const rest = err.message.slice(field.length);
  return rest.startsWith(":") || rest.startsWith(" ") ? option + rest : err.message;
}

export function reportError(err: unknown, command?: Command): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (unknown option, missing argument, --help, --version).
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")
      return EXIT_OK;
    return EXIT_USAGE;
  }
  if (err instanceof InputError) {
    process.stderr.write(`shocklens: ${oneLine(inOptionTerms(err, command))}\n`);
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`shocklens: error: ${oneLine(message)}\n`);
  if (process.env.SHOCKLENS_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
  return EXIT_RUNTIME;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}
