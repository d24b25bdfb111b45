mail-footer = このメールは { $brand } から送信されています。返信はできません。

password-changed-subject = { $brand } のパスワードが変更されました
password-changed-body =
    { $name } 様

    { $brand } アカウント { $email } のパスワードが { $time } (UTC) に変更されました。

    お心当たりがない場合は、直ちに管理者にご連絡ください。

api-token-created-subject = { $brand } アカウントに新しい API トークンが作成されました
api-token-created-body =
    { $name } 様

    アカウント { $email } に API トークン「{ $token_name }」が作成されました。
    有効期限は { $expires } (UTC) です。

    お心当たりがない場合は、[アカウント] > [API トークン] で失効させ、パスワードを変更してください。
