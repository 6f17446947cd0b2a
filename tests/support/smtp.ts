/** A real SMTP server in the test process (smtp-server, from the nodemailer project) that keeps every message parsed. */
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface TestSmtp {
  port: number;
  messages: ParsedMail[];
  /** Envelope recipients, per message. */
  recipients: string[][];
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const recipients: string[][] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      simpleParser(stream)
        .then((m) => {
          messages.push(m);
          recipients.push(session.envelope.rcptTo.map((r) => r.address));
          done();
        })
        .catch(done);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.server.address();
  if (!addr || typeof addr === "string") throw new Error("the SMTP server has no port");
  return { port: addr.port, messages, recipients, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
