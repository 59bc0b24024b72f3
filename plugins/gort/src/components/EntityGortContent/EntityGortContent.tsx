import { Content } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_FLUX_APP,
  isGortAvailable,
} from '@gort-backstage/plugin-gort-common';
import { Route, Routes } from 'react-router-dom';
import { EntityGortOverview } from '../EntityGortOverview';
import { RunDetail } from '../RunDetail';

/** The GitOps tab of an entity page, with the run detail nested under `runs/:runId`. */
export function EntityGortContent() {
  const { entity } = useEntity();
  if (!isGortAvailable(entity)) {
    return (
      <Content>
        <MissingAnnotationEmptyState annotation={ANNOTATION_FLUX_APP} />
      </Content>
    );
  }
  return (
    <Routes>
      <Route
        path="/"
        element={
          <Content>
            <EntityGortOverview />
          </Content>
        }
      />
      <Route path="runs/:runId" element={<RunDetail />} />
    </Routes>
  );
}
