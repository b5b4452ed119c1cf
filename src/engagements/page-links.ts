/**
 * Acknowledgement links. A page's link must work without credentials (a person taps it on a
 * phone), so it proves itself: it carries the page's ARN and a MAC of it under the master key
 * (SecretBox.mac), nothing is stored for it, and no other page's link can be made from it.
 * Opening the link shows a confirmation page; only its button (a POST) acknowledges, because
 * mail scanners and link previews fetch links by themselves.
 */
import { timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';
import type { AcceptLinks } from './engagement-runner.js';

/** The path the links point at. */
export const acceptPath = '/pages/accept';

const purpose = 'page-accept-link';

/** Makes and checks acknowledgement links. */
export class PageLinks implements AcceptLinks {
  /** `base` answers the server's public URL (known once it listens). */
  constructor(private readonly box: SecretBox, private readonly base: () => string | undefined) {}

  /** The link that acknowledges a page. */
  acceptUrl(pageArn: string): string | undefined {
    const base = this.base();
    if (!base) return undefined;
    return `${base}${acceptPath}?page=${encodeURIComponent(pageArn)}&sig=${this.box.mac(pageArn, purpose)}`;
  }

  /** Whether `sig` is the link signature of `pageArn`. */
  verify(pageArn: string, sig: string): boolean {
    const want = Buffer.from(this.box.mac(pageArn, purpose));
    const got = Buffer.from(sig);
    return got.length === want.length && timingSafeEqual(got, want);
  }
}
