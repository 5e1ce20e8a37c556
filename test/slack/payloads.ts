/**
 * Builders for the payloads Slack sends to an app, with the fields Slack documents, in the style of bolt-js's own
 * `createDummy…(overrides)` helpers: a test states only what matters and gets a complete, realistic payload.
 *
 * Every builder mints fresh ids (trigger_id, ts, event_id, …) on each call, so two payloads never share one.
 * The team, app and bot ids match the ones the stand-in (./stand-in.ts) answers with, so Bolt's context is
 * consistent whichever of the two a test looks at.
 */
import { randomBytes } from 'node:crypto';
import type {
  BlockAction,
  ButtonAction,
  EnvelopedEvent,
  EventFromType,
  SlashCommand,
  ViewOutput,
  ViewStateValue,
  ViewSubmitAction,
} from '@slack/bolt';

/** The ids of the fake workspace, app and bot shared by the payload builders and the stand-in. */
export const SLACK_IDS = {
  teamId: 'T0STANDIN',
  teamDomain: 'standin',
  appId: 'A0STANDIN',
  botUserId: 'UBOT',
  botId: 'BBOT',
  /** The deprecated verification token Slack still puts in every payload. */
  verificationToken: 'standin-verification-token',
  /** Default channel for slash commands and message-surface actions. */
  channelId: 'C0CUTOVER',
  channelName: 'cutover',
} as const;

/**
 * A response_url that fails fast (nothing listens on port 1): used when a test does not pass one, so an app that
 * responds never reaches the real Slack. Pass `response_url: handle.responseUrl()` to capture responses.
 */
export const UNSET_RESPONSE_URL = 'http://127.0.0.1:1/response-url-not-set';

let counter = 0;

function nextCounter(): number {
  counter += 1;
  return counter;
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** An id shaped like Slack's: prefix + 10 upper-case alphanumerics, unique within the process. */
export function slackId(prefix: string): string {
  const unique = `${nextCounter().toString(36)}${randomBytes(6).toString('hex')}`.toUpperCase();
  return `${prefix}${unique.slice(0, 10).padEnd(10, '0')}`;
}

/** A trigger_id shaped like Slack's (`13345224609.738474920.8088930838d88f008e0`), unique per call. */
export function triggerId(): string {
  return `${Math.floor(Date.now() / 1000)}${nextCounter()}.738474920.${hex(16)}`;
}

let lastTsMicros = 0;

/** A message timestamp `NNNNNNNNNN.NNNNNN`, strictly increasing within the process. */
export function messageTs(): string {
  lastTsMicros = Math.max(Date.now() * 1000, lastTsMicros + 1);
  const seconds = Math.floor(lastTsMicros / 1_000_000);
  const micros = lastTsMicros % 1_000_000;
  return `${seconds}.${String(micros).padStart(6, '0')}`;
}

function defaultResponseUrl(kind: 'commands' | 'actions'): string {
  return `${UNSET_RESPONSE_URL}/${kind}/${SLACK_IDS.teamId}/${nextCounter()}/${hex(12)}`;
}

function plainText(text: string): { type: 'plain_text'; text: string; emoji: boolean } {
  return { type: 'plain_text', text, emoji: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Slash commands
// ---------------------------------------------------------------------------------------------------------------

export type SlashCommandInput = Partial<SlashCommand> & { text: string; user_id: string };

/** The full field set of a slash command as Slack posts it (all values are strings, as in the form body). */
export function slashCommand(overrides: SlashCommandInput): SlashCommand {
  return {
    token: SLACK_IDS.verificationToken,
    team_id: SLACK_IDS.teamId,
    team_domain: SLACK_IDS.teamDomain,
    channel_id: SLACK_IDS.channelId,
    channel_name: SLACK_IDS.channelName,
    user_name: overrides.user_id.toLowerCase(),
    command: '/cutover',
    api_app_id: SLACK_IDS.appId,
    is_enterprise_install: 'false',
    response_url: defaultResponseUrl('commands'),
    trigger_id: triggerId(),
    ...overrides,
  };
}

/** Encodes a record as `application/x-www-form-urlencoded`, as Slack does (spaces as `+`). */
export function formEncode(fields: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) params.append(key, String(value));
  }
  return params.toString();
}

/** A slash command encoded as Slack sends it: `application/x-www-form-urlencoded`. */
export function slashCommandForm(payload: SlashCommand): string {
  const fields: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(payload)) {
    fields[key] = typeof value === 'string' ? value : value === undefined ? undefined : JSON.stringify(value);
  }
  return formEncode(fields);
}

// ---------------------------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------------------------

export type ViewStateValues = ViewOutput['state']['values'];

/** A complete view object as Slack sends it back in payloads (modal unless `type` says otherwise). */
export function viewOutput(overrides: Partial<ViewOutput> = {}): ViewOutput {
  const id = overrides.id ?? slackId('V');
  return {
    id,
    team_id: SLACK_IDS.teamId,
    app_installed_team_id: SLACK_IDS.teamId,
    app_id: SLACK_IDS.appId,
    bot_id: SLACK_IDS.botId,
    type: 'modal',
    callback_id: '',
    private_metadata: '',
    title: plainText('Cutover'),
    submit: plainText('Submit'),
    close: plainText('Cancel'),
    blocks: [],
    state: { values: {} },
    hash: `${Math.floor(Date.now() / 1000)}.${hex(4)}`,
    root_view_id: id,
    previous_view_id: null,
    clear_on_close: false,
    notify_on_close: false,
    external_id: '',
    ...overrides,
  };
}

/** Shorthands for `view.state.values[block_id][action_id]` entries, as Slack reports each element. */
export const stateValue = {
  plainTextInput: (value: string | null): ViewStateValue => ({ type: 'plain_text_input', value }),
  staticSelect: (value: string | null, text = value ?? ''): ViewStateValue => ({
    type: 'static_select',
    selected_option: value === null ? null : { text: plainText(text), value },
  }),
  /** An external_select's choice (its options came from a block_suggestion). */
  externalSelect: (value: string | null, text = value ?? ''): ViewStateValue => ({
    type: 'external_select',
    selected_option: value === null ? null : { text: plainText(text), value },
  }),
  radioButtons: (value: string | null, text = value ?? ''): ViewStateValue => ({
    type: 'radio_buttons',
    selected_option: value === null ? null : { text: plainText(text), value },
  }),
  datepicker: (date: string | null): ViewStateValue => ({ type: 'datepicker', selected_date: date }),
  timepicker: (time: string | null, timezone?: string): ViewStateValue => ({
    type: 'timepicker',
    selected_time: time,
    ...(timezone === undefined ? {} : { timezone }),
  }),
  datetimepicker: (epochSeconds: number | null): ViewStateValue => ({
    type: 'datetimepicker',
    selected_date_time: epochSeconds,
  }),
  usersSelect: (user: string | null): ViewStateValue => ({ type: 'users_select', selected_user: user }),
  multiUsersSelect: (users: string[]): ViewStateValue => ({
    type: 'multi_users_select',
    selected_users: users,
  }),
  conversationsSelect: (conversation: string | null): ViewStateValue => ({
    type: 'conversations_select',
    selected_conversation: conversation,
  }),
  checkboxes: (values: string[]): ViewStateValue => ({
    type: 'checkboxes',
    selected_options: values.map((value) => ({ text: plainText(value), value })),
  }),
};

// ---------------------------------------------------------------------------------------------------------------
// Block actions
// ---------------------------------------------------------------------------------------------------------------

type SlackUserRef = { id: string; username: string; name: string; team_id: string };

/**
 * A block_actions payload. Slack sends `response_url` only for actions in messages, never for actions in a modal or
 * the App Home, although Bolt's `BlockAction` type declares it always present.
 */
export type BlockActionPayload = Omit<BlockAction<ButtonAction>, 'response_url' | 'user'> & {
  user: SlackUserRef;
  response_url?: string;
};

export interface BlockActionInput {
  user_id: string;
  action_id: string;
  value?: string;
  block_id?: string;
  trigger_id?: string;
  user_name?: string;
  /** Button label; defaults to the action_id. */
  text?: string;
  /** Set for an action in a modal or the App Home (`{ type: 'home' }`): container and surface become the view. */
  view?: Partial<ViewOutput>;
  container?: Record<string, unknown>;
  message?: NonNullable<BlockAction['message']>;
  channel?: { id: string; name: string };
  response_url?: string;
  state?: { values: ViewStateValues };
}

/** A button click, from a message by default, or from a view when `view` is given. */
export function blockAction(input: BlockActionInput): BlockActionPayload {
  const userName = input.user_name ?? input.user_id.toLowerCase();
  const action: ButtonAction = {
    type: 'button',
    action_id: input.action_id,
    block_id: input.block_id ?? slackId('b'),
    text: plainText(input.text ?? input.action_id),
    action_ts: messageTs(),
    ...(input.value === undefined ? {} : { value: input.value }),
  };
  const base = {
    type: 'block_actions' as const,
    user: { id: input.user_id, username: userName, name: userName, team_id: SLACK_IDS.teamId },
    api_app_id: SLACK_IDS.appId,
    token: SLACK_IDS.verificationToken,
    trigger_id: input.trigger_id ?? triggerId(),
    team: { id: SLACK_IDS.teamId, domain: SLACK_IDS.teamDomain },
    is_enterprise_install: false,
    actions: [action],
  };
  if (input.view !== undefined) {
    const view = viewOutput(input.view);
    return {
      ...base,
      container: input.container ?? { type: 'view', view_id: view.id },
      view,
      ...(input.state === undefined ? {} : { state: input.state }),
      ...(input.response_url === undefined ? {} : { response_url: input.response_url }),
      ...(input.channel === undefined ? {} : { channel: input.channel }),
    };
  }
  const channel = input.channel ?? { id: SLACK_IDS.channelId, name: SLACK_IDS.channelName };
  const message = input.message ?? {
    type: 'message' as const,
    user: SLACK_IDS.botUserId,
    bot_id: SLACK_IDS.botId,
    app_id: SLACK_IDS.appId,
    team: SLACK_IDS.teamId,
    ts: messageTs(),
    text: '',
    blocks: [],
  };
  return {
    ...base,
    container: input.container ?? {
      type: 'message',
      message_ts: message.ts,
      channel_id: channel.id,
      is_ephemeral: false,
    },
    channel,
    message,
    state: input.state ?? { values: {} },
    response_url: input.response_url ?? defaultResponseUrl('actions'),
  };
}

export interface BlockSuggestionInput {
  user_id: string;
  /** The input block of the external_select, and its element's action_id. */
  block_id: string;
  action_id: string;
  /** What the person typed so far. */
  value: string;
  /** The view the select is in (its private_metadata names the program). */
  view: Partial<ViewOutput>;
}

/**
 * A `block_suggestion`: an external_select asking for its options as the person types. Slack posts it to the app's
 * request URL like any interaction (in Socket Mode, an `interactive` envelope); the ack body carries the options.
 */
export function blockSuggestion(input: BlockSuggestionInput) {
  const userName = input.user_id.toLowerCase();
  const view = viewOutput(input.view);
  return {
    type: 'block_suggestion' as const,
    user: { id: input.user_id, username: userName, name: userName, team_id: SLACK_IDS.teamId },
    container: { type: 'view', view_id: view.id },
    api_app_id: SLACK_IDS.appId,
    token: SLACK_IDS.verificationToken,
    action_id: input.action_id,
    block_id: input.block_id,
    value: input.value,
    team: { id: SLACK_IDS.teamId, domain: SLACK_IDS.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    view,
    action_ts: messageTs(),
  };
}

/** An interactivity payload encoded as Slack sends it: form body with one field `payload` holding the JSON. */
export function interactiveForm(payload: object): string {
  return formEncode({ payload: JSON.stringify(payload) });
}

// ---------------------------------------------------------------------------------------------------------------
// View submissions
// ---------------------------------------------------------------------------------------------------------------

export type ViewSubmissionPayload = Omit<ViewSubmitAction, 'user'> & { user: SlackUserRef };

export interface ViewSubmissionInput {
  user_id: string;
  callback_id: string;
  values: ViewStateValues;
  private_metadata?: string;
  view_id?: string;
  user_name?: string;
  trigger_id?: string;
  /** Further view fields (blocks, title, …). */
  view?: Partial<ViewOutput>;
  response_urls?: ViewSubmitAction['response_urls'];
}

/** A modal submission; `values` is `view.state.values` (see `stateValue` for the element shapes). */
export function viewSubmission(input: ViewSubmissionInput): ViewSubmissionPayload {
  const userName = input.user_name ?? input.user_id.toLowerCase();
  return {
    type: 'view_submission',
    team: { id: SLACK_IDS.teamId, domain: SLACK_IDS.teamDomain },
    user: { id: input.user_id, username: userName, name: userName, team_id: SLACK_IDS.teamId },
    api_app_id: SLACK_IDS.appId,
    token: SLACK_IDS.verificationToken,
    trigger_id: input.trigger_id ?? triggerId(),
    is_enterprise_install: false,
    view: viewOutput({
      ...input.view,
      ...(input.view_id === undefined ? {} : { id: input.view_id, root_view_id: input.view_id }),
      type: 'modal',
      callback_id: input.callback_id,
      private_metadata: input.private_metadata ?? '',
      state: { values: input.values },
    }),
    response_urls: input.response_urls ?? [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Events API
// ---------------------------------------------------------------------------------------------------------------

/** Wraps an event in the Events API envelope body (`type: 'event_callback'`), as Slack posts it. */
export function eventCallback<E extends { type: string }>(event: E): EnvelopedEvent<E> {
  return {
    token: SLACK_IDS.verificationToken,
    team_id: SLACK_IDS.teamId,
    context_team_id: SLACK_IDS.teamId,
    api_app_id: SLACK_IDS.appId,
    event,
    type: 'event_callback',
    event_id: slackId('Ev'),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: SLACK_IDS.teamId,
        user_id: SLACK_IDS.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${hex(24)}`,
  };
}

export interface AppHomeOpenedInput {
  user_id: string;
  /** The app's DM channel with the user; derived from the user id by default. */
  channel?: string;
  tab?: 'home' | 'messages';
  /** The home view currently published, if any (Slack includes it once one was published). */
  view?: EventFromType<'app_home_opened'>['view'];
}

/** An `app_home_opened` event in its Events API envelope body. */
export function appHomeOpened(input: AppHomeOpenedInput): EnvelopedEvent<EventFromType<'app_home_opened'>> {
  return eventCallback<EventFromType<'app_home_opened'>>({
    type: 'app_home_opened',
    user: input.user_id,
    channel: input.channel ?? `D${input.user_id.replace(/^U/, '')}`,
    tab: input.tab ?? 'home',
    event_ts: messageTs(),
    ...(input.view === undefined ? {} : { view: input.view }),
  });
}
