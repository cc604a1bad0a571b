import { t } from '../i18n/index.ts';
import { KeysSection, MembersSection } from './settings-access.tsx';
import { LimitsSection } from './settings-limits.tsx';
import { NotificationsSection } from './settings-notifications.tsx';
import { AuditSection, LoginsSection, PolicySection } from './settings-org.tsx';

/** Settings: members, keys, policy (with a dry run), limits, stored logins and the audit log. */
export function SettingsPage() {
  return (
    <section class="settings">
      <div class="page-head"><h1>{t('settings.title')}</h1></div>
      <nav aria-label={t('settings.sections')} class="subnav">
        <a href="#members-head">{t('settings.members')}</a> <a href="#keys-head">{t('settings.keys')}</a> <a href="#policy-head">{t('settings.policy')}</a> <a href="#limits-head">{t('limits.title')}</a>
        <a href="#logins-head">{t('settings.logins')}</a> <a href="#audit-head">{t('settings.audit')}</a> <a href="#notify-head">{t('notify.title')}</a>
      </nav>
      <MembersSection />
      <KeysSection />
      <PolicySection />
      <LimitsSection />
      <LoginsSection />
      <AuditSection />
      <NotificationsSection />
    </section>
  );
}
