/**
 * Slack's documented Block Kit rules, as the stand-in enforces them on every payload it receives: the kinds of
 * blocks and elements each place accepts, text lengths, counts, ids unique where Slack requires it, `plain_text`
 * where Slack accepts nothing else, and the shape of view-submission acks. The limits are those of Slack's own
 * models (python-slack-sdk `slack_sdk.models.blocks` and `slack_sdk.models.views`) and of the Block Kit reference
 * (docs.slack.dev/reference/block-kit); where the two differ, the stricter is kept.
 *
 * A problem is reported as Slack reports it: a message and a JSON pointer into the payload.
 */

export interface Problem {
  message: string;
  pointer: string;
}

export type Surface = 'message' | 'modal' | 'home';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Blocks by the surfaces that accept them (docs.slack.dev/reference/block-kit/blocks). */
const BLOCKS: Record<string, readonly Surface[]> = {
  actions: ['message', 'modal', 'home'],
  context: ['message', 'modal', 'home'],
  divider: ['message', 'modal', 'home'],
  file: ['message'],
  header: ['message', 'modal', 'home'],
  image: ['message', 'modal', 'home'],
  input: ['message', 'modal', 'home'],
  markdown: ['message'],
  rich_text: ['message', 'modal', 'home'],
  section: ['message', 'modal', 'home'],
  video: ['message', 'modal', 'home'],
};

const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
];

/** Elements an actions block holds. */
const ACTION_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'workflow_button',
  ...SELECTS,
]);

/** Elements a section's accessory may be. */
const ACCESSORIES = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'image',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECTS,
]);

/** Elements an input block holds. */
const INPUT_ELEMENTS = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'url_text_input',
  ...SELECTS,
]);

class Checker {
  readonly problems: Problem[] = [];

  add(message: string, pointer: string): void {
    this.problems.push({ message, pointer });
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === 'string' && value.length > max)
      this.add(`must be less than ${max + 1} characters`, pointer);
  }

  /** A text object: `plain_text` (or `mrkdwn` where `mrkdwn` is true), with 1 to `max` characters. */
  text(
    value: unknown,
    pointer: string,
    { max, mrkdwn = false, required = true }: { max: number; mrkdwn?: boolean; required?: boolean },
  ): void {
    if (value === undefined || value === null) {
      if (required) this.add('is a required property', pointer);
      return;
    }
    if (!isRecord(value)) {
      this.add('must be a text object', pointer);
      return;
    }
    const kinds = mrkdwn ? ['plain_text', 'mrkdwn'] : ['plain_text'];
    if (typeof value.type !== 'string' || !kinds.includes(value.type))
      this.add(`must be one of ${kinds.join(', ')}`, `${pointer}/type`);
    if (typeof value.text !== 'string') {
      this.add('must be a string', `${pointer}/text`);
      return;
    }
    if (value.text.length < 1) this.add('must be at least 1 characters', `${pointer}/text`);
    this.maxLength(value.text, max, `${pointer}/text`);
    if (value.type === 'mrkdwn' && 'emoji' in value)
      this.add('emoji is only for plain_text', `${pointer}/emoji`);
  }

  count(list: unknown, min: number, max: number, pointer: string): unknown[] {
    if (!Array.isArray(list)) {
      this.add('must be an array', pointer);
      return [];
    }
    if (list.length < min) this.add(`must have at least ${min} items`, pointer);
    if (list.length > max) this.add(`no more than ${max} items allowed`, pointer);
    return list;
  }

  option(value: unknown, pointer: string, mrkdwn: boolean): void {
    if (!isRecord(value)) {
      this.add('must be an option object', pointer);
      return;
    }
    this.text(value.text, `${pointer}/text`, { max: 75, mrkdwn });
    if (typeof value.value !== 'string') this.add('is a required property', `${pointer}/value`);
    else {
      if (value.value.length < 1) this.add('must be at least 1 characters', `${pointer}/value`);
      this.maxLength(value.value, 150, `${pointer}/value`);
    }
    if (value.description !== undefined)
      this.text(value.description, `${pointer}/description`, { max: 75, mrkdwn });
    this.maxLength(value.url, 3000, `${pointer}/url`);
  }

  /** `chosen` must exactly match one of `options` (Slack: "must match one of the options"). */
  amongOptions(chosen: unknown, options: unknown[], pointer: string): void {
    if (chosen === undefined) return;
    const same = (a: unknown) => JSON.stringify(a) === JSON.stringify(chosen);
    if (!isRecord(chosen) || !options.some(same)) this.add('must exactly match one of the options', pointer);
  }

  confirm(value: unknown, pointer: string): void {
    if (value === undefined) return;
    if (!isRecord(value)) {
      this.add('must be a confirmation object', pointer);
      return;
    }
    this.text(value.title, `${pointer}/title`, { max: 100 });
    this.text(value.text, `${pointer}/text`, { max: 300, mrkdwn: true });
    this.text(value.confirm, `${pointer}/confirm`, { max: 30 });
    this.text(value.deny, `${pointer}/deny`, { max: 30 });
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger')
      this.add('must be one of primary, danger', `${pointer}/style`);
  }

  element(element: unknown, pointer: string, allowed: ReadonlySet<string>): void {
    if (!isRecord(element) || typeof element.type !== 'string') {
      this.add('must be an element object with a type', pointer);
      return;
    }
    const type = element.type;
    if (!allowed.has(type)) {
      this.add(`element of type ${type} is not allowed here`, `${pointer}/type`);
      return;
    }
    this.maxLength(element.action_id, 255, `${pointer}/action_id`);
    if (element.placeholder !== undefined)
      this.text(element.placeholder, `${pointer}/placeholder`, { max: 150 });
    this.confirm(element.confirm, `${pointer}/confirm`);
    switch (type) {
      case 'button':
        this.text(element.text, `${pointer}/text`, { max: 75 });
        this.maxLength(element.value, 2000, `${pointer}/value`);
        this.maxLength(element.url, 3000, `${pointer}/url`);
        this.maxLength(element.accessibility_label, 75, `${pointer}/accessibility_label`);
        if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger')
          this.add('must be one of primary, danger', `${pointer}/style`);
        break;
      case 'static_select':
      case 'multi_static_select': {
        const hasOptions = element.options !== undefined;
        const hasGroups = element.option_groups !== undefined;
        if (hasOptions === hasGroups) this.add('must provide either options or option_groups', pointer);
        const all: unknown[] = [];
        if (hasOptions) {
          const options = this.count(element.options, 1, 100, `${pointer}/options`);
          options.forEach((o, i) => {
            this.option(o, `${pointer}/options/${i}`, false);
          });
          all.push(...options);
        }
        if (hasGroups) {
          const groups = this.count(element.option_groups, 1, 100, `${pointer}/option_groups`);
          groups.forEach((g, i) => {
            const at = `${pointer}/option_groups/${i}`;
            if (!isRecord(g)) {
              this.add('must be an option group', at);
              return;
            }
            this.text(g.label, `${at}/label`, { max: 75 });
            const options = this.count(g.options, 1, 100, `${at}/options`);
            options.forEach((o, j) => {
              this.option(o, `${at}/options/${j}`, false);
            });
            all.push(...options);
          });
        }
        this.amongOptions(element.initial_option, all, `${pointer}/initial_option`);
        if (Array.isArray(element.initial_options))
          element.initial_options.forEach((o, i) => {
            this.amongOptions(o, all, `${pointer}/initial_options/${i}`);
          });
        break;
      }
      case 'external_select':
      case 'multi_external_select':
        if (element.options !== undefined || element.option_groups !== undefined)
          this.add('options come from the options load URL, not the element', `${pointer}/options`);
        if (element.initial_option !== undefined)
          this.option(element.initial_option, `${pointer}/initial_option`, false);
        if (
          element.min_query_length !== undefined &&
          (!Number.isInteger(element.min_query_length) || Number(element.min_query_length) < 0)
        )
          this.add('must be a non-negative integer', `${pointer}/min_query_length`);
        break;
      case 'radio_buttons':
      case 'checkboxes': {
        const options = this.count(element.options, 1, 10, `${pointer}/options`);
        options.forEach((o, i) => {
          this.option(o, `${pointer}/options/${i}`, true);
        });
        this.amongOptions(element.initial_option, options, `${pointer}/initial_option`);
        if (Array.isArray(element.initial_options))
          element.initial_options.forEach((o, i) => {
            this.amongOptions(o, options, `${pointer}/initial_options/${i}`);
          });
        break;
      }
      case 'overflow': {
        const options = this.count(element.options, 1, 5, `${pointer}/options`);
        options.forEach((o, i) => {
          this.option(o, `${pointer}/options/${i}`, false);
        });
        break;
      }
      case 'plain_text_input': {
        const { min_length: min, max_length: max } = element;
        if (min !== undefined && (!Number.isInteger(min) || Number(min) < 0 || Number(min) > 3000))
          this.add('must be an integer from 0 to 3000', `${pointer}/min_length`);
        if (max !== undefined && (!Number.isInteger(max) || Number(max) < 1 || Number(max) > 3000))
          this.add('must be an integer from 1 to 3000', `${pointer}/max_length`);
        if (typeof min === 'number' && typeof max === 'number' && min > max)
          this.add('min_length must not exceed max_length', `${pointer}/min_length`);
        if (element.initial_value !== undefined && typeof element.initial_value !== 'string')
          this.add('must be a string', `${pointer}/initial_value`);
        break;
      }
      case 'number_input':
        if (typeof element.is_decimal_allowed !== 'boolean')
          this.add('is a required property', `${pointer}/is_decimal_allowed`);
        for (const key of ['initial_value', 'min_value', 'max_value'])
          if (
            element[key] !== undefined &&
            (typeof element[key] !== 'string' || !Number.isFinite(Number(element[key])))
          )
            this.add('must be a number given as a string', `${pointer}/${key}`);
        break;
      case 'datetimepicker':
        // A UNIX time in seconds, 10 digits (1628633820), not milliseconds and not a string.
        if (
          element.initial_date_time !== undefined &&
          !(Number.isInteger(element.initial_date_time) && /^\d{10}$/.test(String(element.initial_date_time)))
        )
          this.add('must be a UNIX timestamp in seconds of 10 digits', `${pointer}/initial_date_time`);
        break;
      case 'datepicker':
        if (element.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(element.initial_date)))
          this.add("must be in format 'YYYY-MM-DD'", `${pointer}/initial_date`);
        break;
      case 'timepicker':
        if (
          element.initial_time !== undefined &&
          !/^([01]\d|2[0-3]):[0-5]\d$/.test(String(element.initial_time))
        )
          this.add("must be in format 'HH:mm'", `${pointer}/initial_time`);
        break;
      case 'image':
        this.maxLength(element.image_url, 3000, `${pointer}/image_url`);
        if (typeof element.alt_text !== 'string') this.add('is a required property', `${pointer}/alt_text`);
        this.maxLength(element.alt_text, 2000, `${pointer}/alt_text`);
        break;
      default:
        break;
    }
  }

  block(block: unknown, at: string, surface: Surface, blockIds: Map<string, string>): void {
    if (!isRecord(block) || typeof block.type !== 'string') {
      this.add('must be a block object with a type', at);
      return;
    }
    const surfaces = BLOCKS[block.type];
    if (surfaces === undefined) {
      this.add(`unsupported block type ${block.type}`, `${at}/type`);
      return;
    }
    if (!surfaces.includes(surface))
      this.add(`block of type ${block.type} is not allowed in a ${surface}`, `${at}/type`);
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length < 1)
        this.add('must be a non-empty string', `${at}/block_id`);
      else {
        this.maxLength(block.block_id, 255, `${at}/block_id`);
        const first = blockIds.get(block.block_id);
        if (first !== undefined)
          this.add(`block_id ${block.block_id} is already used at ${first}`, `${at}/block_id`);
        else blockIds.set(block.block_id, at);
      }
    }
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined)
          this.add('must provide either text or fields', at);
        if (block.text !== undefined) this.text(block.text, `${at}/text`, { max: 3000, mrkdwn: true });
        if (block.fields !== undefined) {
          const fields = this.count(block.fields, 1, 10, `${at}/fields`);
          fields.forEach((f, i) => {
            this.text(f, `${at}/fields/${i}`, { max: 2000, mrkdwn: true });
          });
        }
        if (block.accessory !== undefined) this.element(block.accessory, `${at}/accessory`, ACCESSORIES);
        break;
      }
      case 'header':
        this.text(block.text, `${at}/text`, { max: 150 });
        break;
      case 'context': {
        const elements = this.count(block.elements, 1, 10, `${at}/elements`);
        elements.forEach((e, i) => {
          const p = `${at}/elements/${i}`;
          if (isRecord(e) && e.type === 'image') this.element(e, p, new Set(['image']));
          else this.text(e, p, { max: 3000, mrkdwn: true });
        });
        break;
      }
      case 'actions': {
        const elements = this.count(block.elements, 1, 25, `${at}/elements`);
        const actionIds = new Map<string, number>();
        elements.forEach((e, i) => {
          this.element(e, `${at}/elements/${i}`, ACTION_ELEMENTS);
          const id = isRecord(e) ? e.action_id : undefined;
          if (typeof id !== 'string') return;
          const first = actionIds.get(id);
          if (first !== undefined)
            this.add(
              `action_id ${id} is already used by element ${first} of this block`,
              `${at}/elements/${i}/action_id`,
            );
          else actionIds.set(id, i);
        });
        break;
      }
      case 'input':
        this.text(block.label, `${at}/label`, { max: 2000 });
        if (block.hint !== undefined) this.text(block.hint, `${at}/hint`, { max: 2000 });
        if (block.element === undefined) this.add('is a required property', `${at}/element`);
        else this.element(block.element, `${at}/element`, INPUT_ELEMENTS);
        break;
      case 'markdown':
        if (typeof block.text !== 'string' || block.text.length < 1)
          this.add('is a required property', `${at}/text`);
        this.maxLength(block.text, 12000, `${at}/text`);
        break;
      case 'image':
        this.element({ ...block, type: 'image' }, at, new Set(['image']));
        if (block.title !== undefined) this.text(block.title, `${at}/title`, { max: 2000 });
        break;
      default:
        break;
    }
  }

  blocks(blocks: unknown, surface: Surface, pointer: string): void {
    if (blocks === undefined) return;
    if (!Array.isArray(blocks)) {
      this.add('must be an array of blocks', pointer);
      return;
    }
    const max = surface === 'message' ? 50 : 100;
    if (blocks.length > max) this.add(`no more than ${max} items allowed`, pointer);
    const blockIds = new Map<string, string>();
    blocks.forEach((block: unknown, index) => {
      this.block(block, `${pointer}/${index}`, surface, blockIds);
    });
  }
}

/** The problems of a message's blocks and attachments (chat.postMessage/update/postEphemeral, response_url). */
export function messagePayloadProblems(args: Record<string, unknown>): Problem[] {
  const c = new Checker();
  if (typeof args.blocks === 'string') c.add('must be an array of blocks', '/blocks');
  else c.blocks(args.blocks, 'message', '/blocks');
  if (args.attachments !== undefined) {
    if (!Array.isArray(args.attachments)) c.add('must be an array', '/attachments');
    else {
      if (args.attachments.length > 100) c.add('no more than 100 items allowed', '/attachments');
      args.attachments.forEach((a, i) => {
        if (isRecord(a) && a.blocks !== undefined) c.blocks(a.blocks, 'message', `/attachments/${i}/blocks`);
      });
    }
  }
  return c.problems;
}

/** Input blocks' ids of a view (where `response_action: "errors"` may point). */
export function inputBlockIds(view: unknown): string[] {
  if (!isRecord(view) || !Array.isArray(view.blocks)) return [];
  return view.blocks.flatMap((b: unknown) =>
    isRecord(b) && b.type === 'input' && typeof b.block_id === 'string' ? [b.block_id] : [],
  );
}

/** The problems of a view (views.open/push/update/publish, and `response_action` update/push). */
export function viewProblems(view: unknown, pointer = '/view'): Problem[] {
  const c = new Checker();
  if (!isRecord(view)) return [{ message: 'must provide an object', pointer }];
  if (view.type !== 'modal' && view.type !== 'home') {
    c.add('must be one of modal, home', `${pointer}/type`);
    return c.problems;
  }
  if (view.type === 'modal') {
    c.text(view.title, `${pointer}/title`, { max: 24 });
    if (view.submit !== undefined) c.text(view.submit, `${pointer}/submit`, { max: 24 });
    if (view.close !== undefined) c.text(view.close, `${pointer}/close`, { max: 24 });
    if (
      inputBlockIds(view).length > 0 ||
      (Array.isArray(view.blocks) && view.blocks.some((b) => isRecord(b) && b.type === 'input'))
    )
      if (view.submit === undefined)
        c.add('must provide submit when the view contains input blocks', `${pointer}/submit`);
  } else {
    if (view.submit !== undefined) c.add('a home view cannot have submit', `${pointer}/submit`);
    if (view.close !== undefined) c.add('a home view cannot have close', `${pointer}/close`);
  }
  if (view.blocks === undefined) c.add('is a required property', `${pointer}/blocks`);
  c.maxLength(view.private_metadata, 3000, `${pointer}/private_metadata`);
  c.maxLength(view.callback_id, 255, `${pointer}/callback_id`);
  c.maxLength(view.external_id, 255, `${pointer}/external_id`);
  c.blocks(view.blocks, view.type, `${pointer}/blocks`);
  return c.problems;
}

/**
 * The problems of the ack body of a view submission: `response_action` is one of errors, update, push, clear;
 * errors name input blocks of the view submitted (Slack shows errors under input blocks only, and refuses others),
 * each with a message; update and push carry a valid view.
 */
export function viewSubmissionAckProblems(ack: unknown, submitted: unknown): Problem[] {
  if (!isRecord(ack) || Object.keys(ack).length === 0) return [];
  const action = ack.response_action;
  if (action === 'errors') {
    const c = new Checker();
    if (!isRecord(ack.errors) || Object.keys(ack.errors).length === 0) {
      c.add('must be an object naming at least one input block', '/errors');
      return c.problems;
    }
    const inputs = new Set(inputBlockIds(submitted));
    for (const [key, message] of Object.entries(ack.errors)) {
      if (!inputs.has(key))
        c.add(
          `names no input block of the submitted view (its input blocks: ${[...inputs].join(', ') || 'none'})`,
          `/errors/${key}`,
        );
      if (typeof message !== 'string' || message.length < 1)
        c.add('must be a non-empty string', `/errors/${key}`);
    }
    return c.problems;
  }
  if (action === 'update' || action === 'push') {
    const problems = viewProblems(ack.view, '/view');
    if (isRecord(ack.view) && ack.view.type !== 'modal')
      problems.push({ message: 'must be a modal', pointer: '/view/type' });
    return problems;
  }
  if (action === 'clear') return [];
  return [{ message: 'must be one of errors, update, push, clear', pointer: '/response_action' }];
}

/** The problems of the ack body of a block_suggestion (the options of an external_select). */
export function optionsAckProblems(ack: unknown): Problem[] {
  const c = new Checker();
  if (!isRecord(ack)) return [{ message: 'must provide an object', pointer: '/' }];
  if (ack.options !== undefined) {
    const options = c.count(ack.options, 0, 100, '/options');
    options.forEach((o, i) => {
      c.option(o, `/options/${i}`, false);
    });
  } else if (ack.option_groups !== undefined) {
    const groups = c.count(ack.option_groups, 0, 100, '/option_groups');
    groups.forEach((g, i) => {
      if (!isRecord(g)) {
        c.add('must be an option group', `/option_groups/${i}`);
        return;
      }
      c.text(g.label, `/option_groups/${i}/label`, { max: 75 });
      c.count(g.options, 1, 100, `/option_groups/${i}/options`).forEach((o, j) => {
        c.option(o, `/option_groups/${i}/options/${j}`, false);
      });
    });
  } else c.add('must provide options or option_groups', '/options');
  return c.problems;
}

/** Problems as Slack words them in `response_metadata.messages`. */
export function problemMessages(problems: readonly Problem[]): string[] {
  return problems.map((p) => `[ERROR] ${p.message} [json-pointer:${p.pointer}]`);
}
