import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

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
      expect(r.message).toContain('CUTOVER_CHANNEL_ID: required');
    }
  });
});
