/**
 * The environment as one zod schema. `loadConfig` never throws: it answers with every bad variable named
 * and what it should be, so `main` can print one message and exit.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The shipped program files (templates for `/cutover new`); the first is the default `CUTOVER_PROGRAM`. */
export const SHIPPED_PROGRAMS_DIR = fileURLToPath(new URL('../../programs/', import.meta.url));
const DEFAULT_PROGRAM = fileURLToPath(new URL('../../programs/service-v3.json', import.meta.url));

/** A comma-separated list of Slack ids, each matching `id` (else `message`). */
const idList = (id: RegExp, message: string) =>
  z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(id, message)));

const userIds = idList(/^[UW][A-Z0-9]{2,}$/, 'a comma-separated list of Slack user ids like U012ABCDEF');
/** Slack user ids (U…, W…) and user-group ids (S…). */
const peopleAndGroups = idList(
  /^[UWS][A-Z0-9]{2,}$/,
  'a comma-separated list of Slack user ids (U012ABCDEF) or user-group ids (S012ABCDEF)',
);

/**
 * `.env.example` lists every variable, most of them empty (`CUTOVER_PROGRAM=`), and `process.loadEnvFile` sets an
 * empty line as an empty string: so every value is trimmed, and a blank one counts as unset, for every variable at
 * once. An optional variable then takes its default; a required one is reported as missing.
 */
const blankAsUnset = (env: unknown) =>
  typeof env === 'object' && env !== null
    ? Object.fromEntries(
        Object.entries(env).flatMap(([key, value]) => {
          const v = typeof value === 'string' ? value.trim() : value;
          return v === '' || v === undefined ? [] : [[key, v]];
        }),
      )
    : env;

const ConfigSchema = z.preprocess(
  blankAsUnset,
  z
    .object({
      SLACK_BOT_TOKEN: z
        .string({ error: 'required: the bot token (xoxb-…) from OAuth & Permissions' })
        .regex(
          /^xoxb-[\w-]+$/,
          'a bot token starts with xoxb- (the value in .env.example is only a placeholder)',
        ),
      SLACK_APP_TOKEN: z
        .string()
        .regex(/^xapp-[\w-]+$/, 'an app-level token starts with xapp- (leave it empty for HTTP mode)')
        .optional(),
      SLACK_SIGNING_SECRET: z.string().min(8, 'the signing secret from Basic Information').optional(),
      SLACK_API_URL: z.url({ error: 'a base URL such as https://slack.com/api/' }).optional(),
      HOST: z.string().min(1).default('0.0.0.0'),
      PORT: z.coerce.number({ error: 'a port number' }).int().min(0).max(65535).default(3000),
      CUTOVER_CHANNEL_ID: z
        .string()
        .regex(/^[CG][A-Z0-9]{2,}$/, 'a channel id like C012ABCDEF (not the #name)')
        .optional(),
      CUTOVER_ADMINS: userIds,
      CUTOVER_CREATORS: peopleAndGroups,
      CUTOVER_DB_PATH: z.string().min(1).default('data/cutover.json'),
      DATABASE_URL: z
        .string()
        .regex(
          /^postgres(ql)?:\/\/\S+$/,
          'a PostgreSQL URL such as postgres://user:password@host:5432/cutover (leave it empty for the JSON file)',
        )
        .optional(),
      CUTOVER_PROGRAM: z.string().min(1).default(DEFAULT_PROGRAM),
      CUTOVER_API_TOKEN: z
        .string()
        .min(16, 'at least 16 characters; generate one with `openssl rand -hex 32`')
        .optional(),
      LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      // The GitHub App of the deployment protection rule (src/github/): off unless the id, a key and the secret are set.
      GITHUB_APP_ID: z
        .string()
        .regex(/^\d+$/, "the numeric App ID from the GitHub App's settings page")
        .optional(),
      GITHUB_APP_PRIVATE_KEY: z
        .string()
        .transform((s) => s.replaceAll('\\n', '\n'))
        .pipe(
          z
            .string()
            .regex(
              /-----BEGIN (RSA )?PRIVATE KEY-----/,
              'the PEM private key (-----BEGIN RSA PRIVATE KEY-----…; \\n for line breaks), or set GITHUB_APP_PRIVATE_KEY_PATH',
            ),
        )
        .optional(),
      GITHUB_APP_PRIVATE_KEY_PATH: z.string().min(1).optional(),
      GITHUB_WEBHOOK_SECRET: z
        .string()
        .min(16, "at least 16 characters; the App's webhook secret")
        .optional(),
      GITHUB_API_URL: z.url({ error: 'a base URL such as https://api.github.com' }).optional(),
    })
    .superRefine((env, ctx) => {
      const set = [
        env.GITHUB_APP_ID,
        env.GITHUB_APP_PRIVATE_KEY ?? env.GITHUB_APP_PRIVATE_KEY_PATH,
        env.GITHUB_WEBHOOK_SECRET,
      ];
      if (set.every((v) => v === undefined) || set.every((v) => v !== undefined)) return;
      const missing = [
        env.GITHUB_APP_ID === undefined ? 'GITHUB_APP_ID' : undefined,
        (env.GITHUB_APP_PRIVATE_KEY ?? env.GITHUB_APP_PRIVATE_KEY_PATH) === undefined
          ? 'GITHUB_APP_PRIVATE_KEY'
          : undefined,
        env.GITHUB_WEBHOOK_SECRET === undefined ? 'GITHUB_WEBHOOK_SECRET' : undefined,
      ].filter((v) => v !== undefined);
      for (const name of missing)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message:
            'required with the other GITHUB_ variables: the GitHub App needs its id, its private key (or GITHUB_APP_PRIVATE_KEY_PATH) and its webhook secret (leave all empty to keep it off)',
        });
    })
    .transform((env) => ({
      botToken: env.SLACK_BOT_TOKEN,
      appToken: env.SLACK_APP_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      mode: env.SLACK_APP_TOKEN ? ('socket' as const) : ('http' as const),
      slackApiUrl: env.SLACK_API_URL,
      host: env.HOST,
      port: env.PORT,
      channelId: env.CUTOVER_CHANNEL_ID,
      admins: env.CUTOVER_ADMINS,
      creators: env.CUTOVER_CREATORS,
      dbPath: env.CUTOVER_DB_PATH,
      databaseUrl: env.DATABASE_URL,
      programPath: env.CUTOVER_PROGRAM,
      apiToken: env.CUTOVER_API_TOKEN,
      logLevel: env.LOG_LEVEL,
      github:
        env.GITHUB_APP_ID && env.GITHUB_WEBHOOK_SECRET
          ? {
              appId: env.GITHUB_APP_ID,
              ...(env.GITHUB_APP_PRIVATE_KEY ? { privateKey: env.GITHUB_APP_PRIVATE_KEY } : {}),
              ...(env.GITHUB_APP_PRIVATE_KEY_PATH ? { privateKeyPath: env.GITHUB_APP_PRIVATE_KEY_PATH } : {}),
              webhookSecret: env.GITHUB_WEBHOOK_SECRET,
              apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
            }
          : undefined,
    })),
);

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(
  env: Record<string, string | undefined>,
): { ok: true; config: Config } | { ok: false; message: string } {
  const parsed = ConfigSchema.safeParse(env);
  // Checked apart from the schema so it is reported together with every other bad variable.
  const noMode = !env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim();
  if (parsed.success && !noMode) return { ok: true, config: parsed.data };
  const lines = (parsed.success ? [] : parsed.error.issues).map(
    (i) => `  ${String(i.path[0] ?? '(environment)')}: ${i.message}`,
  );
  if (noMode)
    lines.push(
      '  SLACK_APP_TOKEN: set it (xapp-…, Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode on PORT); neither is set',
    );
  return {
    ok: false,
    message: `cutover-bot cannot start: the environment is not right.\n${lines.join('\n')}\nSet these in .env (see .env.example) and start again.`,
  };
}
