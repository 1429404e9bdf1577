-- 0018: rejection messages in Chinese as well. `message` stays the English text; `message_zh`
-- is what the Chinese interface and the downloaded file (lang zh-CN) show. Rows stored before
-- have none (NULL) and are shown with their English message.

ALTER TABLE import_rejections ADD COLUMN message_zh text;
