/**
 * The one GitHub call the bot makes: answering a deployment protection rule through the deployment's callback URL
 * (`POST …/actions/runs/<run>/deployment_protection_rule` `{environment_name, state, comment}`), authenticated as the
 * App's installation (`@octokit/auth-app`: the App's JWT, exchanged for an installation token, cached by the library).
 */
import { createAppAuth } from '@octokit/auth-app';
import { request as octokitRequest } from '@octokit/request';

export interface Review {
  callbackUrl: string;
  installationId: number;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
}

/** Why a review call failed: `gone` when GitHub no longer waits for this answer (answered already, run gone). */
export class ReviewError extends Error {
  constructor(
    message: string,
    readonly kind: 'gone' | 'transient',
  ) {
    super(message);
  }
}

export interface GitHubPort {
  review(r: Review): Promise<void>;
  /** Whether GitHub would accept our token at this URL: the callback must be on the App's API host. */
  trusts(callbackUrl: string): boolean;
}

export function gitHubClient(options: { appId: string; privateKey: string; apiUrl: string }): GitHubPort {
  const request = octokitRequest.defaults({
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    headers: { 'user-agent': 'cutover-bot', 'x-github-api-version': '2022-11-28' },
  });
  const auth = createAppAuth({ appId: options.appId, privateKey: options.privateKey, request });
  const origin = new URL(options.apiUrl).origin;
  return {
    trusts(callbackUrl) {
      try {
        return new URL(callbackUrl).origin === origin;
      } catch {
        return false;
      }
    },
    async review(r) {
      try {
        const { token } = await auth({ type: 'installation', installationId: r.installationId });
        await request({
          method: 'POST',
          url: r.callbackUrl,
          headers: { authorization: `token ${token}` },
          environment_name: r.environment,
          state: r.state,
          comment: r.comment.slice(0, 1000),
        });
      } catch (e) {
        const status = typeof e === 'object' && e !== null && 'status' in e ? Number(e.status) : 0;
        const message = e instanceof Error ? e.message : String(e);
        // 404 (the run or its gate is gone) and 422 (nothing pending to approve or reject): GitHub no longer waits.
        if (status === 404 || status === 422) throw new ReviewError(`GitHub ${status}: ${message}`, 'gone');
        throw new ReviewError(status ? `GitHub ${status}: ${message}` : message, 'transient');
      }
    },
  };
}
