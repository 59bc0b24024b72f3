import { InfoCard } from '@backstage/core-components';
import { PropsWithChildren, ReactNode } from 'react';

/** An InfoCard whose title is a real heading, for screen readers and tests. */
export function Section(
  props: PropsWithChildren<{
    title: string;
    subheader?: ReactNode;
    action?: ReactNode;
    noPadding?: boolean;
  }>,
) {
  return (
    <InfoCard
      title={props.title}
      titleTypographyProps={{ component: 'h2' }}
      subheader={props.subheader}
      action={props.action}
      noPadding={props.noPadding}
    >
      {props.children}
    </InfoCard>
  );
}
