import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../web/api/client.ts';
import { auditActionName, auditChanges, auditTargetName } from '../../web/admin/audit-format.ts';
import { translate, type I18n } from '../../web/i18n.ts';
import { nameAndCode } from '../../web/lib/format.ts';
import { timelineNote } from '../../web/lib/incident-format.ts';

const zh: I18n['t'] = (k, p) => translate('zh-CN', k, p);
const en: I18n['t'] = (k, p) => translate('en', k, p);

const record = (r: Partial<AuditRecord>): AuditRecord => ({
  id: 1,
  at: '2026-12-04T06:30:00Z',
  actor: 'admin',
  actorKind: 'user',
  action: 'user.update',
  targetType: 'user',
  targetId: '7',
  before: null,
  after: null,
  address: null,
  ...r,
});

describe('places: name first, code second', () => {
  it('writes 常平镇 · 441900110, the code alone without a name, a dash for neither', () => {
    expect(nameAndCode('常平镇', '441900110')).toBe('常平镇 · 441900110');
    expect(nameAndCode(undefined, '441900110')).toBe('441900110');
    expect(nameAndCode('', '441900110')).toBe('441900110');
    expect(nameAndCode(null, null)).toBe('—');
  });
});

describe('timeline notes the server wrote, in words', () => {
  it('says each phrase in Chinese and keeps what the user typed', () => {
    expect(timelineNote(zh, '现场有积水; asks 7 working hours')).toBe('现场有积水；申请延期 7 个工作小时');
    expect(timelineNote(zh, 'duplicate of incident 42')).toBe('与事件 42 重复');
    expect(timelineNote(zh, 'incident 9 merged into this one: 同一地点')).toBe(
      '事件 9 已合并到本事件: 同一地点',
    );
    expect(timelineNote(zh, 'reassigned to team 12')).toBe('改派给队伍 12');
    expect(timelineNote(zh, 'team 12 常平巡逻一队')).toBe('队伍 12 常平巡逻一队');
    expect(timelineNote(zh, 'team 3, 5')).toBe('队伍 3, 5');
    expect(timelineNote(zh, 'team 2501')).toBe('队伍 2501');
    expect(timelineNote(zh, 'hotline; inside the impact zone of risk source(s) 3, 8')).toBe(
      '热线；位于风险源 3, 8 的影响范围内',
    );
    expect(timelineNote(zh, 'rework: team 4 城管二队 sent again')).toBe('返工：再次派遣队伍 4 城管二队');
    expect(timelineNote(zh, 'grid 441900110001001 → none (in no grid of the village)')).toBe(
      '网格 441900110001001 → 无（不在本村任何网格内）',
    );
  });

  it('keeps a phrase with a semicolon inside whole', () => {
    expect(
      timelineNote(
        zh,
        '复查不合格; rework: the team that resolved it cannot take it now; back to accepted for a new dispatch',
      ),
    ).toBe('复查不合格；返工：原处置队伍暂时无法接手，退回“已受理”待重新派遣');
  });

  it('leaves a note without such phrases as it is, in either language', () => {
    expect(timelineNote(zh, '已联系物业处理')).toBe('已联系物业处理');
    expect(timelineNote(en, 'teamwork needed')).toBe('teamwork needed');
    expect(timelineNote(en, 'asks 2 working hours')).toBe('Asks 2 working hours');
  });
});

describe('the audit log in words', () => {
  it('names actions and targets, incident actions by their lifecycle name', () => {
    expect(auditActionName(zh, 'user.create')).toBe('新建用户');
    expect(auditActionName(zh, 'incident.accept')).toBe('事件：受理');
    expect(auditActionName(en, 'api_key.revoke')).toBe('Revoked an API key');
    expect(auditActionName(zh, 'something.new')).toBe('something.new');
    expect(auditTargetName(zh, 'sites')).toBe('重点场所');
    expect(auditTargetName(zh, 'api_key')).toBe('API 密钥');
  });

  it('lists what changed, field by field, with statuses, roles and times in words', () => {
    const lines = auditChanges(
      zh,
      'zh-CN',
      record({
        action: 'incident.dispatch',
        targetType: 'incident',
        before: { status: 'accepted', deadlineAt: '2026-12-04T06:30:00Z' },
        after: { status: 'dispatched', deadlineAt: '2026-12-04T06:30:00Z' },
      }),
    );
    // the deadline did not change: only the status shows
    expect(lines).toEqual([{ field: '状态', before: '已受理', after: '已派遣' }]);
    const user = auditChanges(
      zh,
      'zh-CN',
      record({
        before: { role: 'grid_worker', disabled: false, grants: [] },
        after: { role: 'commander', disabled: true, grants: ['dispatch', 'close'] },
      }),
    );
    expect(user).toEqual([
      { field: '角色', before: '网格员', after: '指挥长' },
      { field: '已停用', before: '否', after: '是' },
      { field: '附加权限', before: '无', after: '派遣、结案' },
    ]);
    const key = auditChanges(
      zh,
      'zh-CN',
      record({ after: { name: 'open311', deadlineAt: '2026-12-04T20:00:00Z' } }),
    );
    expect(key).toEqual([
      { field: '名称', before: null, after: 'open311' },
      { field: '办理时限', before: null, after: '2026-12-05 04:00' },
    ]);
  });
});
