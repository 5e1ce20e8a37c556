import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/runtime/config.js';

/** `.env.example` as `process.loadEnvFile` reads it (blank lines such as `CUTOVER_PROGRAM=` give ''). */
const envExample = parseEnv(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'));

/** What README's step 4 says to fill in; everything else stays as `.env.example` has it. */
const readmeFour = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_APP_TOKEN: 'xapp-1-A-abc',
  CUTOVER_CHANNEL_ID: 'C0JOINT',
  CUTOVER_ADMINS: 'U0ADMIN',
};

const base = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_APP_TOKEN: 'xapp-1-A-abc',
  CUTOVER_CHANNEL_ID: 'C0JOINT',
};

describe('configuration', () => {
  it('an app token means Socket Mode, with the documented defaults', () => {
    const r = loadConfig(base);
    expect(r).toMatchObject({
      ok: true,
      config: {
        mode: 'socket',
        port: 3000,
        host: '0.0.0.0',
        dbPath: 'data/cutover.json',
        admins: [],
        logLevel: 'info',
      },
    });
    if (r.ok) expect(r.config.programPath).toMatch(/programs\/service-v3\.json$/);
  });

  it('without an app token, a signing secret means HTTP mode on PORT', () => {
    const r = loadConfig({
      ...base,
      SLACK_APP_TOKEN: '',
      SLACK_SIGNING_SECRET: 'abcdef0123456789',
      PORT: '8080',
    });
    expect(r).toMatchObject({
      ok: true,
      config: { mode: 'http', port: 8080, signingSecret: 'abcdef0123456789' },
    });
  });

  it('reads admins as a comma-separated list and SLACK_API_URL as the Web API base', () => {
    const r = loadConfig({
      ...base,
      CUTOVER_ADMINS: ' U01, U02 ,',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    });
    expect(r).toMatchObject({
      ok: true,
      config: { admins: ['U01', 'U02'], slackApiUrl: 'http://127.0.0.1:9/api/' },
    });
  });

  it('names every bad variable in one message, with what it should be', () => {
    const r = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-',
      CUTOVER_CHANNEL_ID: '#general',
      CUTOVER_ADMINS: 'bob',
      PORT: 'x',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('SLACK_BOT_TOKEN: a bot token starts with xoxb-');
    expect(r.message).toContain('CUTOVER_CHANNEL_ID: a channel id like C012ABCDEF (not the #name)');
    expect(r.message).toContain('CUTOVER_ADMINS: a comma-separated list of Slack user ids');
    expect(r.message).toContain('PORT: a port number');
    expect(r.message).toContain('SLACK_APP_TOKEN: set it (xapp-…, Socket Mode) or SLACK_SIGNING_SECRET');
    expect(r.message).toContain('.env.example');
  });

  it('says what is missing when nothing is set', () => {
    const r = loadConfig({});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('SLACK_BOT_TOKEN: required');
      expect(r.message).toContain('SLACK_APP_TOKEN: set it');
      // The channel names where the first program of a new store starts; without it, /cutover new starts one.
      expect(r.message).not.toContain('CUTOVER_CHANNEL_ID');
    }
  });

  it('CUTOVER_CREATORS takes user and user-group ids, and refuses anything else by name', () => {
    const ok = loadConfig({ ...base, CUTOVER_CREATORS: 'U0ALICE, S0ONCALL' });
    expect(ok.ok && ok.config.creators).toEqual(['U0ALICE', 'S0ONCALL']);
    const bad = loadConfig({ ...base, CUTOVER_CREATORS: 'U0ALICE,@oncall' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toContain('CUTOVER_CREATORS: a comma-separated list of Slack user ids');
  });

  it(".env.example with only README's four variables filled in is a valid Socket Mode configuration", () => {
    for (const name of Object.keys(readmeFour)) expect(envExample).toHaveProperty(name);
    const r = loadConfig({ ...envExample, ...readmeFour });
    expect(r).toMatchObject({
      ok: true,
      config: { mode: 'socket', port: 3000, dbPath: 'data/cutover.json', admins: ['U0ADMIN'] },
    });
    if (r.ok) {
      expect(r.config.programPath).toMatch(/programs\/service-v3\.json$/);
      expect(r.config.slackApiUrl).toBeUndefined();
      expect(r.config.apiToken).toBeUndefined();
    }
  });

  it('.env.example set up for HTTP mode as README says (no app token, a signing secret) is valid', () => {
    const r = loadConfig({
      ...envExample,
      ...readmeFour,
      SLACK_APP_TOKEN: '',
      SLACK_SIGNING_SECRET: 'abcdef0123456789',
    });
    expect(r).toMatchObject({ ok: true, config: { mode: 'http', port: 3000, host: '0.0.0.0' } });
  });

  it('every optional variable left empty (or blank) counts as unset and takes its default', () => {
    const r = loadConfig({
      ...base,
      SLACK_SIGNING_SECRET: '',
      SLACK_API_URL: ' ',
      HOST: '',
      PORT: '',
      CUTOVER_ADMINS: '',
      CUTOVER_DB_PATH: '',
      CUTOVER_PROGRAM: '',
      CUTOVER_API_TOKEN: '  ',
      LOG_LEVEL: '',
    });
    expect(r).toMatchObject({
      ok: true,
      config: { mode: 'socket', host: '0.0.0.0', port: 3000, admins: [], dbPath: 'data/cutover.json' },
    });
    if (r.ok) {
      expect(r.config.programPath).toMatch(/programs\/service-v3\.json$/);
      expect(r.config).toMatchObject({ logLevel: 'info' });
      expect(r.config.signingSecret).toBeUndefined();
      expect(r.config.slackApiUrl).toBeUndefined();
      expect(r.config.apiToken).toBeUndefined();
    }
  });

  it('a required variable left empty is reported as missing', () => {
    const r = loadConfig({ ...base, SLACK_BOT_TOKEN: '', CUTOVER_CHANNEL_ID: ' ' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('SLACK_BOT_TOKEN: required');
      expect(r.message).not.toContain('CUTOVER_CHANNEL_ID');
    }
    const optional = loadConfig({ ...base, CUTOVER_CHANNEL_ID: ' ' });
    expect(optional.ok && optional.config.channelId).toBeUndefined();
  });
});

describe('the GitHub App (deployment protection rule)', () => {
  const KEY = '-----BEGIN RSA PRIVATE KEY-----\\nMIIB\\n-----END RSA PRIVATE KEY-----';
  const app = {
    GITHUB_APP_ID: '123456',
    GITHUB_APP_PRIVATE_KEY: KEY,
    GITHUB_WEBHOOK_SECRET: 'webhook-secret-0123456789',
  };

  it('is off unless configured, as .env.example leaves it', () => {
    const r = loadConfig({ ...envExample, ...readmeFour });
    expect(r.ok && r.config.github).toBeUndefined();
  });

  it('with its id, key and secret it is on, against api.github.com unless GITHUB_API_URL says otherwise; \\n in the key are line breaks', () => {
    const r = loadConfig({ ...base, ...app });
    expect(r).toMatchObject({
      ok: true,
      config: {
        github: {
          appId: '123456',
          privateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----',
          webhookSecret: 'webhook-secret-0123456789',
          apiUrl: 'https://api.github.com',
        },
      },
    });
    const stand = loadConfig({ ...base, ...app, GITHUB_API_URL: 'http://127.0.0.1:9/' });
    expect(stand.ok && stand.config.github?.apiUrl).toBe('http://127.0.0.1:9/');
    const path = loadConfig({
      ...base,
      GITHUB_APP_ID: '1',
      GITHUB_APP_PRIVATE_KEY_PATH: '/etc/app.pem',
      GITHUB_WEBHOOK_SECRET: app.GITHUB_WEBHOOK_SECRET,
    });
    expect(path.ok && path.config.github?.privateKeyPath).toBe('/etc/app.pem');
  });

  it('partly configured, it names what is missing; a bad id or key is named with the fix', () => {
    const r = loadConfig({ ...base, GITHUB_APP_ID: '123456' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('GITHUB_APP_PRIVATE_KEY: required with the other GITHUB_ variables');
      expect(r.message).toContain('GITHUB_WEBHOOK_SECRET: required');
    }
    const bad = loadConfig({ ...base, ...app, GITHUB_APP_ID: 'my-app', GITHUB_APP_PRIVATE_KEY: 'secret' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.message).toContain('GITHUB_APP_ID: the numeric App ID');
      expect(bad.message).toContain('GITHUB_APP_PRIVATE_KEY: the PEM private key');
    }
  });
});
