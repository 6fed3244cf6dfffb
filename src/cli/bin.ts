/** Process entry point of the CLI: runs `main` and sets the exit code. */
import { main } from "./main.ts";

main(process.argv).then((code) => {
  process.exitCode = code;
});
