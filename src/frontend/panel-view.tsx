/**
 * The issue panel's UI Kit tree: a pure function of the view model
 * (src/core/panel/view-model.ts), which decides every label, colour and link.
 * No data loading, no clock here.
 */
import type React from 'react';
import { Badge, Code, Heading, Inline, Link, Lozenge, SectionMessage, Spinner, Stack, Text } from '@forge/react';
import type { FindingView, LabelView, LinkView, PanelViewModel } from '../core/panel/view-model';

export function PanelView({ model }: { model: PanelViewModel }) {
  switch (model.kind) {
    case 'loading':
      return <Spinner label="Loading Backline data" size="medium" />;
    case 'unlinked':
      return <Text color="color.text.subtle">{model.message}</Text>;
    case 'error':
      return (
        <SectionMessage appearance="warning" title={model.title}>
          <Text>{model.message}</Text>
        </SectionMessage>
      );
    case 'finding':
      return <FindingPanel view={model} />;
  }
}

function Label({ value }: { value: LabelView }) {
  return (
    <Lozenge appearance={value.tone} isBold={value.bold === true}>
      {value.label}
    </Lozenge>
  );
}

function MaybeLink({ link }: { link: LinkView }) {
  return link.href ? (
    <Link href={link.href} openNewTab>
      {link.text}
    </Link>
  ) : (
    <>{link.text}</>
  );
}

function Links({ links }: { links: LinkView[] }) {
  return (
    <Inline space="space.100" shouldWrap>
      {links.map((link, index) => (
        <Text key={`${link.text}-${index}`}>
          <MaybeLink link={link} />
        </Text>
      ))}
    </Inline>
  );
}

/** One "label: value" row of the facts list. */
function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Inline space="space.100" alignBlock="center" shouldWrap>
      <Text weight="semibold">{label}</Text>
      {children}
    </Inline>
  );
}

function FindingPanel({ view }: { view: FindingView }) {
  return (
    <Stack space="space.150">
      <Inline spread="space-between" alignBlock="center" shouldWrap>
        <Inline space="space.100" alignBlock="center">
          {view.severity ? <Label value={view.severity} /> : null}
          <Label value={view.status} />
        </Inline>
        {view.backline ? (
          <Text>
            <MaybeLink link={view.backline} />
          </Text>
        ) : null}
      </Inline>
      <Heading size="small">{view.title}</Heading>

      {view.sync.error ? (
        <SectionMessage appearance="error" title={view.sync.error.title}>
          <Text>{view.sync.error.message}</Text>
        </SectionMessage>
      ) : null}

      <Stack space="space.075">
        {view.cvss ? (
          <Row label="CVSS">
            <Badge appearance={view.cvss.tone === 'removed' ? 'important' : view.cvss.tone === 'moved' ? 'primary' : 'default'}>{view.cvss.score}</Badge>
            <Text>{view.cvss.rating}</Text>
            {view.cvss.vector ? <Code>{view.cvss.vector}</Code> : null}
          </Row>
        ) : null}
        {view.cves.length > 0 ? (
          <Row label="CVE">
            <Links links={view.cves} />
          </Row>
        ) : null}
        {view.cwes.length > 0 ? (
          <Row label="CWE">
            <Links links={view.cwes} />
          </Row>
        ) : null}
        {view.package ? (
          <Row label="Package">
            <Text>{view.package.ecosystem ? `${view.package.name} (${view.package.ecosystem})` : view.package.name}</Text>
            {view.package.versions ? <Code>{view.package.versions}</Code> : null}
          </Row>
        ) : null}
        {view.repository ? (
          <Row label="Repository">
            <Text>
              <MaybeLink link={view.repository} />
            </Text>
          </Row>
        ) : null}
        {view.location ? (
          <Row label="Location">
            <Text>
              <MaybeLink link={view.location} />
            </Text>
          </Row>
        ) : null}
        {view.sla ? (
          <Row label="SLA due">
            <Text>{view.sla.dueDate}</Text>
            <Lozenge appearance={view.sla.tone} isBold={view.sla.overdue}>
              {view.sla.text}
            </Lozenge>
          </Row>
        ) : null}
      </Stack>

      {view.remediation || view.pullRequests.length > 0 ? (
        <Stack space="space.075">
          <Heading size="xsmall">Remediation</Heading>
          {view.remediation ? (
            <Inline space="space.100" alignBlock="center" shouldWrap>
              <Text>
                <MaybeLink link={view.remediation.title} />
              </Text>
              {view.remediation.mode ? <Lozenge appearance="new">{view.remediation.mode}</Lozenge> : null}
            </Inline>
          ) : null}
          {view.pullRequests.map((pr, index) => (
            <Inline key={`${pr.link.href ?? pr.link.text}-${index}`} space="space.100" alignBlock="center" shouldWrap>
              <Label value={pr.state} />
              <Text>
                <MaybeLink link={pr.link} />
              </Text>
              {pr.repository ? <Text color="color.text.subtle">{pr.repository}</Text> : null}
              {pr.time ? <Text color="color.text.subtle">{pr.time}</Text> : null}
            </Inline>
          ))}
        </Stack>
      ) : null}

      {view.members ? (
        <Stack space="space.075">
          <Heading size="xsmall">{view.members.heading}</Heading>
          {view.members.rows.map((row, index) => (
            <Inline key={`${row.finding.href ?? row.finding.text}-${index}`} space="space.100" alignBlock="center" shouldWrap>
              {row.severity ? <Label value={row.severity} /> : null}
              <Label value={row.status} />
              <Text>
                <MaybeLink link={row.finding} />
              </Text>
              {row.location ? <Text color="color.text.subtle">{row.location}</Text> : null}
            </Inline>
          ))}
        </Stack>
      ) : null}

      {view.sync.lastSynced || view.note ? (
        <Stack space="space.050">
          {view.sync.lastSynced ? (
            <Text size="small" color="color.text.subtlest">
              {view.sync.lastSynced}
            </Text>
          ) : null}
          {view.note ? (
            <Text size="small" color="color.text.subtlest">
              {view.note}
            </Text>
          ) : null}
        </Stack>
      ) : null}
    </Stack>
  );
}
