import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getAssessment, type AssessmentQuery } from '../api/client.ts';
import { queryKey } from '../api/query.ts';

/** The ranking of a level over a window; refreshed by incident events (under stats), the last one shown meanwhile. */
export function useAssessment(query: AssessmentQuery | null) {
  return useQuery({
    queryKey: queryKey('stats', 'assessment', query),
    queryFn: ({ signal }) => getAssessment(query!, signal),
    enabled: query !== null,
    placeholderData: keepPreviousData,
  });
}
